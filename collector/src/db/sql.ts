/** Small SQL-text helpers shared by the statements that work on many rows at once. */

/** `?, ?, ?` for an IN list of n values. */
export const inList = (n: number): string => Array(n).fill('?').join(', ');

/** Rows in slices of `size`, so one statement stays within the databases' parameter limits. */
export function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** `HEAD VALUES (?, ?), (?, ?)` for `count` rows of `width` values. */
export function insertSql(head: string, width: number, count: number): string {
  const tuple = `(${inList(width)})`;
  return `${head} VALUES ${Array(count).fill(tuple).join(', ')}`;
}
