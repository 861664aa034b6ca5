/**
 * Why an action in a form or dialog was refused. role=alert so screen readers announce
 * it when it appears; nothing is rendered while there is no error.
 */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="form-error">
      {message}
    </p>
  );
}
