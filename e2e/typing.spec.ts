import { TYPING_TTL_MS } from './constants';
import { createRoom, expect, joinRoom, test, typingText, ui, uniqueName } from './fixtures';

/*
 * A receiver forgets a typer on its own after TYPING_TTL_MS (6 s) without news (T4). So
 * "the typing line clears" must be seen well before that, or the test would pass even
 * when the app never tells the room that typing stopped: those assertions use
 * STOP_TIMEOUT, and the steps before them take well under a second.
 */
const STOP_TIMEOUT = TYPING_TTL_MS - 2000;

test.describe('typing indicator', () => {
  test('T1: others see who is typing, never themselves; sending clears it; two and more typers', async ({ users }) => {
    const [alice, bob, carol, dave] = await users.signUpAll('alice', 'bob', 'carol', 'dave');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    for (const user of [bob, carol, dave]) await joinRoom(user.page, room);

    // bob types: alice and carol see it, bob does not see himself.
    await ui.composer(bob.page).pressSequentially('hello every');
    await expect(ui.typingStatus(alice.page)).toHaveText(typingText([bob.name]));
    await expect(ui.typingStatus(carol.page)).toHaveText(typingText([bob.name]));
    await expect(ui.typingStatus(bob.page)).toHaveCount(0);

    // bob sends: the line clears at once for the others (not only after the 6 s expiry).
    await ui.composer(bob.page).press('Enter');
    await expect(ui.message(alice.page, 'hello every')).toHaveCount(1);
    await expect(ui.typingStatus(alice.page)).toHaveCount(0, { timeout: STOP_TIMEOUT });
    await expect(ui.typingStatus(carol.page)).toHaveCount(0, { timeout: STOP_TIMEOUT });

    // bob, then carol: names in the order they started typing.
    await ui.composer(bob.page).pressSequentially('and ');
    await expect(ui.typingStatus(alice.page)).toHaveText(typingText([bob.name]));
    await ui.composer(carol.page).pressSequentially('me too');
    await expect(ui.typingStatus(alice.page)).toHaveText(typingText([bob.name, carol.name]));
    // Each typer sees only the other one.
    await expect(ui.typingStatus(bob.page)).toHaveText(typingText([carol.name]));
    await expect(ui.typingStatus(carol.page)).toHaveText(typingText([bob.name]));

    // A third typer: alice sees "Several people are typing…".
    await ui.composer(dave.page).pressSequentially('hi');
    await expect(ui.typingStatus(alice.page)).toHaveText(typingText([bob.name, carol.name, dave.name]));
  });

  test('T1: clearing the composer stops typing for the others', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    await ui.composer(bob.page).pressSequentially('never mind');
    await expect(ui.typingStatus(alice.page)).toHaveText(typingText([bob.name]));
    await ui.composer(bob.page).fill('');
    await expect(ui.typingStatus(alice.page)).toHaveCount(0, { timeout: STOP_TIMEOUT });
  });

  test('T2: closing the typer’s tab clears the typing line for the others', async ({ users }) => {
    const [alice, bob] = await users.signUpAll('alice', 'bob');
    const room = uniqueName('room');
    await createRoom(alice.page, room);
    await joinRoom(bob.page, room);

    await ui.composer(bob.page).pressSequentially('about to go');
    await expect(ui.typingStatus(alice.page)).toHaveText(typingText([bob.name]));
    await bob.page.close();
    await expect(ui.typingStatus(alice.page)).toHaveCount(0, { timeout: STOP_TIMEOUT });
  });

  test('T1: typing in another room is not shown in the open one', async ({ users }) => {
    const [alice, bob, carol] = await users.signUpAll('alice', 'bob', 'carol');
    const here = uniqueName('room');
    const elsewhere = uniqueName('room');
    await createRoom(alice.page, elsewhere);
    await createRoom(alice.page, here);
    await joinRoom(bob.page, elsewhere);
    await joinRoom(carol.page, here);

    // alice has `here` open; bob types in `elsewhere`, then carol types in `here`.
    await expect(ui.roomHeading(alice.page, here)).toBeVisible();
    await ui.composer(bob.page).pressSequentially('over there');
    await ui.composer(carol.page).pressSequentially('right here');
    // alice sees carol alone: bob's typing belongs to the other room.
    await expect(ui.typingStatus(alice.page)).toHaveText(typingText([carol.name]));
  });
});
