import { describe, expect, it } from 'vitest';
import { FIELD_LABELS, REQUIRED_FIELDS, SOURCE_FIELDS } from '../src/domain/columns.ts';
import * as page from '../web/fields.ts';

describe('the page\'s copy of the export\'s fields', () => {
  it('when the page names the fields, then it names the server\'s fields, labels and required ones', () => {
    expect([...page.SOURCE_FIELDS]).toEqual([...SOURCE_FIELDS]);
    expect(page.FIELD_LABELS).toEqual(FIELD_LABELS);
    expect([...page.REQUIRED_FIELDS]).toEqual([...REQUIRED_FIELDS]);
  });
});
