// What the section parsers need from a DWARF file: section bytes, strings and abbreviation tables (no parser imports DwarfFile).
import type { AbbrevTable } from './abbrev.js';

export type DwarfSectionName =
  | '.debug_info' | '.debug_types' | '.debug_abbrev' | '.debug_str' | '.debug_line_str' | '.debug_str_offsets'
  | '.debug_addr' | '.debug_ranges' | '.debug_rnglists' | '.debug_loc' | '.debug_loclists' | '.debug_line'
  | '.debug_aranges' | '.debug_frame' | '.eh_frame';

/** Raw access to the sections of one file; DwarfFile implements it. */
export interface DwarfSections {
  /** Section bytes (decompressed), or an empty array when the section is absent. */
  sectionBytes(name: DwarfSectionName): Uint8Array;
  /** String at `offset` of .debug_str or .debug_line_str. */
  strAt(section: '.debug_str' | '.debug_line_str', offset: number): string;
  abbrevTable(offset: number): AbbrevTable;
  /**
   * The load bias of the image (run address minus link address; 0 without a process): added to every
   * address decoded from the file (address forms, .debug_addr, absolute list entries, line programs).
   */
  readonly bias: bigint;
}

/** Where a unit lives: .debug_info, or .debug_types placed after .debug_info in one offset space. */
export interface UnitSection {
  name: '.debug_info' | '.debug_types';
  bytes: Uint8Array;
  /** Added to section offsets to make DIE offsets of the DwarfFile's offset space. */
  base: number;
  /** For a section read lazily: makes a byte range (section offsets) readable. */
  ensure?: (offset: number, len: number) => void;
}
