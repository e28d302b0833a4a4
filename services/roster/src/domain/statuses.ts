/** The statuses the school uses (docs/original-doitcrm.md#student-statuses); the roster also accepts any other short text, e.g. 停课. */
export const STUDENT_STATUSES = ['在读', '休学', '已退费'] as const;
