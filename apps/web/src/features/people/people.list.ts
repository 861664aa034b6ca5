import { PEOPLE_LIST_MAX, type User } from '@parley/shared-types';
import { useEffect, useMemo, useState } from 'react';
import { listPeople } from '../../realtime/rooms.actions';

/** How long typing pauses before the server is asked for the names beginning with it. */
const PREFIX_DEBOUNCE_MS = 200;

const byName = (a: User, b: User) => {
  const [ka, kb] = [a.username.toLowerCase(), b.username.toLowerCase()];
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * G7: the people a dialog offers, asked once when it opens (null until the answer; a
 * refusal's sentence in `error`); people come and go, so the list is not kept in the
 * store. The answer holds the first PEOPLE_LIST_MAX by name: when it is that full, what is
 * typed is also asked of the server (`prefix`), so nobody is out of reach.
 */
export function usePeopleList(typed: string): { people: User[] | null; error: string | null } {
  const [base, setBase] = useState<{ people: User[] | null; error: string | null }>({ people: null, error: null });
  const [more, setMore] = useState<{ prefix: string; people: User[] } | null>(null);
  const prefix = typed.trim().replace(/^@/, '');
  const truncated = base.people !== null && base.people.length >= PEOPLE_LIST_MAX;

  useEffect(() => {
    let live = true;
    void listPeople().then((result) => {
      if (!live) return;
      setBase(result.ok ? { people: result.data, error: null } : { people: [], error: result.message });
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!truncated || prefix === '') return;
    let live = true;
    const timer = window.setTimeout(() => {
      void listPeople(prefix).then((result) => {
        if (live && result.ok) setMore({ prefix, people: result.data });
      });
    }, PREFIX_DEBOUNCE_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [truncated, prefix]);

  const people = useMemo(() => {
    if (!base.people || !more || more.prefix !== prefix) return base.people;
    const known = new Set(base.people.map((p) => p.id));
    return [...base.people, ...more.people.filter((p) => !known.has(p.id))].sort(byName);
  }, [base.people, more, prefix]);
  return { people, error: base.error };
}
