import { InputError, invalid } from '../errors.js';

/** The columns a station table can name, by role; `depth` and `alt` without a unit are judged by their values. */
export const NAMES = {
  site_id: ['site_id', 'site_code', 'sitecode', 'site', 'code', 'id', 'station_id', 'station_code', 'borehole_id', 'borehole', 'station'],
  site_name: ['site_name', 'sitename', 'name', 'station_name', 'borehole_name', 'location'],
  lat: ['lat', 'latitude', 'lat_deg', 'latitude_deg', 'lat_dd', 'latitude_dd', 'latitude_n', 'y'],
  lon: ['lon', 'long', 'longitude', 'lng', 'lon_deg', 'longitude_deg', 'lon_dd', 'longitude_dd', 'longitude_e', 'x'],
  year: ['year', 'yr'],
  date: ['date', 'datetime', 'date_time', 'time', 'timestamp', 'measurement_date', 'date_of_measurement'],
  depth_m: ['depth_m', 'depth_meters', 'depth_metres', 'sensor_depth_m'],
  depth_cm: ['depth_cm', 'sensor_depth_cm'],
  depth: ['depth', 'sensor_depth'],
  magt: ['magt_c', 'magt', 'temperature', 'temperature_c', 'temp', 'temp_c', 'ground_temperature', 'ground_temperature_c', 'gt', 'mean_annual_ground_temperature'],
  alt_cm: ['alt_cm', 'thaw_depth_cm', 'active_layer_thickness_cm'],
  alt_m: ['alt_m', 'thaw_depth_m', 'active_layer_thickness_m'],
  alt: ['alt', 'thaw_depth', 'active_layer_thickness', 'active_layer', 'thaw'],
} as const;

/** The roles a `mapping` may name. */
export type MappedRole = 'site_id' | 'site_name' | 'lat' | 'lon' | 'year' | 'date' | 'depth_m' | 'depth_cm' | 'value';
export type Role = keyof typeof NAMES;

/** Blank, "-" and the words tables use for "no value". */
export const MISSING = /^(|-|–|—|na|n\/a|nan|null|none|inactive|no data|nd|\?)$/i;

/** A column name in one spelling: lower case, runs of other characters as `_` (`Depth [m]` → `depth_m`). */
export const norm = (name: string) => name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

// Columns whose name ends in id or code but that do not name the site.
const NOT_SITE = /^(country|region|method|source|network|project|variable|sensor|logger|dataset|quality|flag|unit)_?(id|code)$/;

/**
 * The column of each role in a header: a `mapping` first, then the usual spellings, then, for the
 * site id, any other column named like an identifier (`cci_ID`, `gtnp_code`), so that an id is
 * preferred over a site name. -1 where there is none.
 */
export function columnRoles(header: string[], mapping: Partial<Record<MappedRole, string>> | undefined, where: string) {
  const columns = header.map(norm);
  const unbracketed = header.map((h) => norm(h.replace(/[([][^)\]]*[)\]]/g, '')));
  const mapped = (role: MappedRole): number | undefined => {
    const name = mapping?.[role];
    if (name === undefined) return undefined;
    const i = header.findIndex((h) => h === name || norm(h) === norm(name));
    if (i < 0) throw new InputError(invalid(`mapping for ${role}`, name, `one of the columns: ${header.join(', ')}`), where);
    return i;
  };
  const find = (role: Role): number => {
    for (const name of NAMES[role]) { const i = columns.indexOf(name); if (i >= 0) return i; }
    if (role === 'depth_m' || role === 'depth_cm' || role === 'alt_cm' || role === 'alt_m') return -1; // a unit must be in the name
    for (const name of NAMES[role]) { const i = unbracketed.indexOf(name); if (i >= 0) return i; }
    return -1;
  };
  const pick = (role: MappedRole & Role) => mapped(role) ?? find(role);
  let site_id = pick('site_id');
  if (site_id < 0 && mapping?.site_id === undefined) site_id = columns.findIndex((c) => /(^|_)(id|code)$/.test(c) && !NOT_SITE.test(c));
  const depthMapped = mapped('depth_m'), depthCmMapped = mapped('depth_cm');
  return {
    site_id,
    site_name: pick('site_name'),
    lat: pick('lat'),
    lon: pick('lon'),
    year: pick('year'),
    date: pick('date'),
    value: mapped('value') ?? -1,
    /** The depth column and its unit: `m` or `cm` when the name (or the mapping) says so, `unknown` otherwise. */
    depth: depthMapped !== undefined ? { column: depthMapped, unit: 'm' as const }
      : depthCmMapped !== undefined ? { column: depthCmMapped, unit: 'cm' as const }
      : find('depth_m') >= 0 ? { column: find('depth_m'), unit: 'm' as const }
      : find('depth_cm') >= 0 ? { column: find('depth_cm'), unit: 'cm' as const }
      : { column: find('depth'), unit: 'unknown' as const },
    magt: find('magt'),
    alt: find('alt_cm') >= 0 ? { column: find('alt_cm'), unit: 'cm' as const }
      : find('alt_m') >= 0 ? { column: find('alt_m'), unit: 'm' as const }
      : { column: find('alt'), unit: 'unknown' as const },
  };
}
