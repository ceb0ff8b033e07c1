// Shapes shared by the printers: a Table column and a printer that turns one object into cells.

export type Obj = Record<string, unknown>;

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Printer {
  columns: Column[];
  /** Cells in column order; `now` makes AGE deterministic in tests. */
  cells(obj: Obj, now: Date): unknown[];
  /** Row conditions (pods report Completed for Succeeded/Failed, as kube-apiserver does). */
  conditions?(obj: Obj): RowCondition[] | undefined;
}
