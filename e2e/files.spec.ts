import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import {
  attachFiles as attach,
  createRoom,
  exactName,
  expect,
  joinRoom,
  pngBytes,
  test,
  ui,
  uniqueName,
  type FileToAttach as Upload,
  type Users,
} from './fixtures';

/*
 * Files (SPEC B1–B7) through the UI: Attach file, the progress bar and Cancel, the sent
 * message's link and preview at another member's, the download's bytes, and files that
 * would run script if a browser rendered them.
 */

const removeButton = (page: Page, name: string) => page.getByRole('button', { name: exactName(`Remove ${name}`) });

/** alice and bob, in a room alice created. */
async function twoInRoom(users: Users) {
  const [alice, bob] = await users.signUpAll('alice', 'bob');
  const room = uniqueName('room');
  await createRoom(alice.page, room);
  await joinRoom(bob.page, room);
  return { alice, bob };
}

test.describe('files and images', () => {
  test('B1, B4, B5: alice attaches a text file and a PNG; bob sees the link and the preview, and downloads the same bytes', async ({
    users,
  }) => {
    const { alice, bob } = await twoInRoom(users);

    const notes: Upload = { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('meeting moved to 3pm\n') };
    const picture: Upload = { name: 'picture.png', mimeType: 'image/png', buffer: pngBytes(48, 32) };
    await attach(alice.page, [notes, picture]);
    // Uploading (a progress bar) or already up (Remove): either way, on its way.
    await expect(ui.uploadProgress(alice.page).or(removeButton(alice.page, notes.name)).first()).toBeVisible();
    await expect(removeButton(alice.page, notes.name)).toBeVisible();
    await expect(removeButton(alice.page, picture.name)).toBeVisible();
    await ui.sendButton(alice.page).click();
    await expect(removeButton(alice.page, notes.name)).toHaveCount(0);

    for (const page of [alice.page, bob.page]) {
      const article = ui.messages(page).filter({ has: page.getByRole('link', { name: exactName(notes.name) }) });
      await expect(article).toHaveCount(1);
      await expect(article).toContainText(alice.name);
      await expect(article.getByRole('link', { name: exactName(picture.name) })).toBeVisible();
      const image = article.getByRole('img', { name: exactName(picture.name) });
      await expect(image).toBeVisible();
      // The stored dimensions reserve its box; the bytes decode to the same picture.
      await expect(image).toHaveAttribute('width', '48');
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);
    }

    const article = ui.messages(bob.page).filter({ has: bob.page.getByRole('link', { name: exactName(notes.name) }) });
    for (const file of [notes, picture]) {
      const download = bob.page.waitForEvent('download');
      await article.getByRole('link', { name: exactName(file.name) }).click();
      const saved = await download;
      expect(saved.suggestedFilename()).toBe(file.name);
      expect((await readFile(await saved.path())).equals(file.buffer)).toBe(true);
    }
  });

  test('B1: a file going up shows a progress bar, and Cancel takes it back', async ({ users }) => {
    const [alice] = await users.signUpAll('alice');
    await createRoom(alice.page, uniqueName('room'));
    // The upload is held at the network until the test lets it go (never, here).
    let held = 0;
    await alice.page.route('**/api/rooms/*/files', () => {
      held++;
    });
    await attach(alice.page, [
      { name: 'slow.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(200_000, 1) },
    ]);
    await expect(ui.uploadProgress(alice.page)).toBeVisible();
    await expect(ui.uploadProgress(alice.page)).toHaveAccessibleName('Uploading slow.bin');
    expect(held).toBe(1);
    await alice.page.getByRole('button', { name: exactName('Cancel upload of slow.bin') }).click();
    await expect(ui.uploadProgress(alice.page)).toHaveCount(0);
    await expect(alice.page.getByText('slow.bin')).toHaveCount(0);
  });

  test('B1: files dropped on the composer or pasted into it go up like chosen ones', async ({ users }) => {
    const { alice, bob } = await twoInRoom(users);
    // What a drag from the desktop and a paste of a copied file carry: files in a DataTransfer.
    const carrying = (name: string) =>
      alice.page.evaluateHandle((fileName) => {
        const data = new DataTransfer();
        data.items.add(new File([`contents of ${fileName}`], fileName, { type: 'text/plain' }));
        return data;
      }, name);
    // Dropped on the message box (the event bubbles to the composer, as a real drop does).
    const dropped = await carrying('dropped.txt');
    await ui.composer(alice.page).dispatchEvent('dragover', { dataTransfer: dropped });
    await ui.composer(alice.page).dispatchEvent('drop', { dataTransfer: dropped });
    await expect(removeButton(alice.page, 'dropped.txt')).toBeVisible();
    const pasted = await carrying('pasted.txt');
    await ui.composer(alice.page).evaluate((input, data) => {
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, pasted);
    await expect(removeButton(alice.page, 'pasted.txt')).toBeVisible();
    await ui.composer(alice.page).fill('two files');
    await ui.composer(alice.page).press('Enter');
    const article = ui.message(bob.page, 'two files');
    await expect(article.getByRole('link', { name: exactName('dropped.txt') })).toBeVisible();
    await expect(article.getByRole('link', { name: exactName('pasted.txt') })).toBeVisible();
  });

  test('B3, B6: an HTML page and an SVG are served as attachments with a CSP that runs nothing, and opening them runs nothing', async ({
    users,
  }) => {
    const { alice, bob } = await twoInRoom(users);
    const script = '<script>alert("ran"); document.title = "ran"</script>';
    const page: Upload = {
      name: 'page.html',
      mimeType: 'text/html',
      buffer: Buffer.from(`<!doctype html><p>hi</p>${script}`),
    };
    const drawing: Upload = {
      name: 'drawing.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert('ran')">${script}</svg>`),
    };
    await attach(alice.page, [page, drawing]);
    await expect(removeButton(alice.page, drawing.name)).toBeVisible();
    await expect(removeButton(alice.page, page.name)).toBeVisible();
    await ui.sendButton(alice.page).click();

    const article = ui.messages(bob.page).filter({ has: bob.page.getByRole('link', { name: exactName(page.name) }) });
    await expect(article).toHaveCount(1);
    // No preview for an SVG: only safe raster images are shown in the page.
    await expect(article.getByRole('img')).toHaveCount(0);
    const dialogs: string[] = [];
    bob.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    for (const file of [page, drawing]) {
      const href = await article.getByRole('link', { name: exactName(file.name) }).getAttribute('href');
      expect(href).toBeTruthy();
      const response = await bob.page.request.get(href!);
      expect(response.status()).toBe(200);
      const headers = response.headers();
      expect(headers['content-disposition']).toMatch(/^attachment;/);
      expect(headers['content-type']).toBe('application/octet-stream');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(Buffer.from(await response.body()).equals(file.buffer)).toBe(true);

      // Navigating to it: the browser saves it instead of showing it, and nothing runs.
      const tab = await bob.context.newPage();
      tab.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const download = tab.waitForEvent('download');
      await tab.goto(new URL(href!, bob.page.url()).toString()).catch(() => undefined);
      expect((await download).suggestedFilename()).toBe(file.name);
      await expect.poll(() => tab.title()).not.toBe('ran');
      await tab.close();
    }
    expect(dialogs).toEqual([]);
  });
});
