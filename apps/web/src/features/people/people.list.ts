import type { User } from '@parley/shared-types';
import { useEffect, useState } from 'react';
import { listPeople } from '../../realtime/rooms.actions';

/**
 * G7: the people a dialog offers, asked once when it opens (null until the answer; a
 * refusal's sentence in `error`): people come and go, so the list is not kept in the store.
 */
export function usePeopleList(): { people: User[] | null; error: string | null } {
  const [state, setState] = useState<{ people: User[] | null; error: string | null }>({ people: null, error: null });
  useEffect(() => {
    let live = true;
    void listPeople().then((result) => {
      if (!live) return;
      setState(result.ok ? { people: result.data, error: null } : { people: [], error: result.message });
    });
    return () => {
      live = false;
    };
  }, []);
  return state;
}
