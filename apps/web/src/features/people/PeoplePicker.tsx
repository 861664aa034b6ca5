import { ERROR_MESSAGES, type User } from '@parley/shared-types';
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { peopleOptions } from '../../store/people.logic';
import { FormError } from '../../ui/FormError';
import { usePeopleList } from './people.list';

type PeoplePickerProps = {
  picked: readonly User[];
  onChange(picked: User[]): void;
  /** Ids never offered (people already in the conversation). */
  excluded?: ReadonlySet<string>;
  /** How many may be picked in all. */
  max: number;
  /** Says what picking does (one person, several). */
  hint: string;
};

/**
 * The `People` combobox (ARIA 1.2 pattern, list autocomplete): typing narrows the
 * options to usernames; ArrowDown/ArrowUp move through them, Enter or a click picks one,
 * Escape closes the list without closing the dialog (so does a pick: Enter then submits), Backspace in an empty field takes
 * back the last pick. Picked people show above it, each with its `Remove <username>`.
 * The focus never leaves the field while picking.
 */
export function PeoplePicker({ picked, onChange, excluded, max, hint }: PeoplePickerProps) {
  const [typed, setTyped] = useState('');
  // G7: whom one may pick (null while loading).
  const { people, error } = usePeopleList(typed);
  const [active, setActive] = useState(0);
  const [listOpen, setListOpen] = useState(false);
  const inputId = useId();
  const listId = useId();
  const hintId = useId();
  const chosenId = useId();
  const full = picked.length >= max;
  const options = useMemo(() => {
    if (!people || full) return [];
    return peopleOptions(people, typed, new Set([...(excluded ?? []), ...picked.map((p) => p.id)]));
  }, [people, typed, excluded, picked, full]);
  const open = listOpen && options.length > 0;
  const activeIndex = Math.min(active, options.length - 1);

  function pick(person: User) {
    onChange([...picked, person]);
    setTyped('');
    setActive(0);
    // Closed after a pick, so Start is in reach and a second Enter submits.
    setListOpen(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        setListOpen(true);
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((activeIndex + step + options.length) % options.length);
      return;
    }
    if (event.key === 'Enter' && open) {
      // A pick, not the form's submit.
      event.preventDefault();
      pick(options[activeIndex]!);
      return;
    }
    if (event.key === 'Escape' && open) {
      // Closes the list only: the dialog stays (its cancel never starts).
      event.preventDefault();
      setListOpen(false);
      return;
    }
    if (event.key === 'Backspace' && typed === '' && picked.length > 0) {
      onChange(picked.slice(0, -1));
    }
  }

  return (
    <div className="people-picker">
      <label htmlFor={inputId}>People</label>
      {picked.length > 0 && (
        <ul className="people-chosen" id={chosenId} aria-label="Chosen people">
          {picked.map((person) => (
            <li key={person.id} className="person-chip">
              <bdi title={person.username}>{person.username}</bdi>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${person.username}`}
                title={`Remove ${person.username}`}
                onClick={() => onChange(picked.filter((p) => p.id !== person.id))}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {/* The options float over what follows: were they in the flow, closing them on blur
          would move the button being clicked (Start, a chip's ×) from under the pointer. */}
      <div className="people-combobox">
        <input
          id={inputId}
          type="text"
          role="combobox"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder={full ? '' : 'Type a username'}
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
          aria-describedby={hintId}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setActive(0);
            setListOpen(true);
          }}
          onClick={() => setListOpen(true)}
          onBlur={() => setListOpen(false)}
          onKeyDown={onKeyDown}
        />
        {/* Always in the DOM (aria-controls names it); empty and hidden while closed. */}
        <ul id={listId} role="listbox" aria-label="Suggestions" className="people-options" hidden={!open}>
          {open &&
            options.map((person, i) => (
              <li
                key={person.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === activeIndex}
                className={i === activeIndex ? 'people-option active' : 'people-option'}
                // Keeps the focus in the field.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(person)}
              >
                <bdi>{person.username}</bdi>
              </li>
            ))}
        </ul>
      </div>
      <p id={hintId} className="field-hint">
        {people === null ? 'Loading people…' : full ? ERROR_MESSAGES.group_full : hint}
      </p>
      <FormError message={error} />
    </div>
  );
}
