import { Rng } from './random.ts';
import { LEVELS, SECTIONS } from './hierarchy.ts';
import { generateClasses, generateStaff } from './school-staff.ts';
import { generateFamilies } from './school-families.ts';
import { generateBots, generateOtherGroups, generateSilentMembers } from './school-groups.ts';
import type { DemoSchool } from './school-types.ts';

export const DEFAULT_SEED = 20260101;

/** The synthetic school's corp name; invented, as is everything else. */
export const CORP_NAME = '橡果少儿英语';

/**
 * A deterministic synthetic children's English school: same seed, same school, byte for byte.
 * Each part draws from its own random stream so that changing how one part is built does not
 * reshuffle all the others.
 */
export function generateSchool(options: { seed?: number; silentMembers?: number } = {}): DemoSchool {
  const seed = options.seed ?? DEFAULT_SEED;
  const takenRooms = new Set<string>();
  const staff = generateStaff(new Rng(seed, 1));
  const classes = generateClasses(new Rng(seed, 2), staff, takenRooms);
  const { students, parents } = generateFamilies(new Rng(seed, 3), classes, staff);
  const bots = generateBots(new Rng(seed, 4), classes);
  const otherGroups = generateOtherGroups(new Rng(seed, 5), staff, parents, takenRooms);
  return {
    seed,
    corpName: CORP_NAME,
    sections: SECTIONS.map((s) => ({ ...s })),
    levels: LEVELS.map((l) => ({ ...l })),
    staff,
    classes,
    students,
    parents,
    bots,
    otherGroups,
    silentMembers: generateSilentMembers(new Rng(seed, 6), classes, otherGroups, options.silentMembers ?? 0),
  };
}
