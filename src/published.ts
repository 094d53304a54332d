/**
 * Literature values the notebooks and figures set beside computed numbers, in one place with
 * their references (each names its publication). They are reported figures, never outputs of this package.
 */
export const PUBLISHED = {
  /** IPA Circum-Arctic Map of Permafrost and Ground-Ice Conditions, Northern Hemisphere zone areas (million km²). */
  ipa_zones_mkm2: {
    continuous: 10.98, discontinuous: 4.42, sporadic: 3.96, isolated: 3.89,
    /** Relict permafrost, the fifth class of the map's table: with it the classes sum to the 23.37 total (the four zones alone, 23.25). */
    relict: 0.12,
    total: 23.37,
    /** The continuous zone's share of the total (%): 10.98 / 23.37. */
    continuous_share_pct: 47,
    reference: 'Brown et al. (1997), IPA Circum-Arctic Map of Permafrost and Ground-Ice Conditions; area table in Frozen Ground 22 (1998); Zhang et al. (1999), Polar Geography 23(2)',
  },
  /** Permafrost area estimates to set beside `permafrost_area_km2` (million km²). */
  permafrost_area_mkm2: [
    { label: 'North of 45°N, 2000s: 11–14', low_mkm2: 11, high_mkm2: 14, reference: 'Obu et al. 2019; Ran et al. 2022 (north of 45°N: no Tibetan Plateau)' },
    { label: 'Northern Hemisphere: 13.9', low_mkm2: 13.9, high_mkm2: 13.9, reference: 'Obu et al. 2019' },
  ],
  /** Reported skill of the product and of a comparable one. */
  skill: [
    { source: 'product (reported)', magt_rmse_c: 1.23, magt_r2: 0.85, alt_rmse_cm: 55.6, alt_r2: 0.84, reference: 'National Cryosphere Desert Data Center product description' },
    { source: 'Ran et al. 2022 (reported)', magt_rmse_c: 1.32, magt_r2: NaN, alt_rmse_cm: 86.9, alt_r2: NaN, reference: 'Ran et al. (2022), Earth System Science Data 14' },
  ],
  /** Borehole warming, °C per decade (Biskaborn et al. 2019, GTN-P, 2007–2016). */
  magt_warming_c_per_decade: { global: 0.29, global_sd: 0.12, continuous: 0.39, discontinuous: 0.2, reference: 'Biskaborn et al. (2019), Nature Communications 10, 264' },
  /** CALM active-layer deepening, cm per year (circum-Arctic, 2000–2018). */
  alt_deepening_cm_per_year: { circum_arctic: 0.8, reference: 'Circumpolar Active Layer Monitoring (CALM) network, 2000–2018' },
} as const;
