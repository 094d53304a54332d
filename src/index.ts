// The public API of permafrost-lab: what a notebook or script imports by name (at most 60 values).
// Lower-level building blocks and the project's own tooling are in `permafrost-lab/tools`.
export { version } from './version.js';
export { PermafrostError, FileError, FormatError, InputError, LimitError, WorkerError } from './errors.js';

// GeoTIFF files
export { openRaster, type Raster, type OpenRasterOptions, type ReadOptions, type ValuesAtOptions,
  type Window, type Transform, type BBox, type Overview, type Point } from './geotiff/openRaster.js';
export { writeGeoTIFF, type WritableRaster, type WriteOptions, type WriteResult } from './geotiff/writeGeoTIFF.js';
export type { DataType, SampleArray, TypedArray } from './geotiff/metadata.js';

// NetCDF files (NetCDF3 and NetCDF4, CF): opened by openDataset; openNetcdf is in permafrost-lab/tools
export type { NetcdfFile, NetcdfRaster, OpenNetcdfOptions, NcVariable, NcDate } from './netcdf/openNetcdf.js';

// Cell areas
export { type CellArea, type GridLike } from './grid/cellArea.js';

// The dataset
export { openDataset, sampleFolder, ZONES, type Dataset, type DatasetGrid, type OpenDatasetOptions, type TableOptions, type SummarizeOptions,
  type HistogramOptions, type SampleOptions as PointSampleOptions, type TrendOptions, type TrendResult, type ChangeResult,
  type ZonationOptions, type ZonationResult, type Layer, type LayerOptions, type ChangeOptions } from './dataset/openDataset.js';
export { checkFolder, checkText, type CheckReport, type FileCheck } from './dataset/check.js';
export { VARIABLES, type Variable, type Layout } from './dataset/discover.js';
export { PRODUCT_PERIODS, type Period } from './dataset/periods.js';
export { findLatitude } from './dataset/lookup.js';
export { permafrostCoding, type PermafrostCoding } from './dataset/coding.js';
export { REGIONS, regionMask, type RegionDefinition, type GeoJsonArea } from './dataset/regions.js';
export { summarizeTrend, trendRaster, changeRaster } from './dataset/trendOutputs.js';
export { compareDatasets, type CompareOptions, type Comparison } from './dataset/compare.js';
export { exportTable } from './dataset/exportTable.js';

// Statistics
export { rasterStatistics, type BandStatistics, type RasterStatisticsOptions } from './stats/rasterStatistics.js';
export { sensSlope, mannKendall, benjaminiHochberg, type MannKendall } from './stats/trend.js';
export { metrics, type Metrics } from './stats/metrics.js';

// Literature values, with their references
export { PUBLISHED } from './published.js';

// Showing things in a notebook
export { show, type Figure, type ShowOptions } from './display/show.js';
export { readProvenance } from './display/readProvenance.js';
export type { Provenance } from './provenance/provenance.js';
export { type TableHtmlOptions } from './display/tableHtml.js';

// Figures (plain Plotly JSON) and saving them
export { trendFigure, type TrendFigureOptions } from './plot/trendFigure.js';
export { areaFigure, type AreaFigureOptions } from './plot/areaFigure.js';
export { histogramFigure, type HistogramFigureOptions } from './plot/histogramFigure.js';
export { mapFigure, type MapGrid, type MapFigureOptions } from './plot/mapFigure.js';
export { differenceMap } from './plot/differenceMap.js';
export { trendMap, type TrendMapOptions } from './plot/trendMap.js';
export { validationFigure, type ValidationFigureOptions } from './plot/validationFigure.js';
export { residualMap } from './plot/residualMap.js';
export { errorFigure } from './plot/errorFigure.js';
export { scatterFigure } from './plot/scatterFigure.js';
export { type FigureOptions } from './plot/style.js';
export { saveFigure, closeFigureBrowser, type SaveFigureOptions } from './display/saveFigure.js';

// Stations and validation
export { loadStations, parseStations, type LoadStationsOptions, type LoadedStations, type StationVariable } from './stations/loadStations.js';
export { pickDepth, type PickDepthOptions, type PickedDepths } from './stations/pickDepth.js';
export { aggregatePeriods, type AggregateOptions } from './stations/aggregatePeriods.js';
export { findSite } from './stations/findSite.js';
export { validate, type ValidateOptions, type Validation } from './validate/validate.js';

// The random-forest reproduction of the product's method
export { fitForest, type Forest, type ForestOptions } from './model/randomForest.js';
export { kFolds, groupFolds, blockFolds, crossValidate, compareFolds, permutationImportance, type CrossValidation, type FoldOptions, type LearningData } from './model/crossValidate.js';
export { predictorsAt, predictMap, trainingData, type PredictMapOptions } from './model/reproduce.js';

// The synthetic product the notebooks open by default: its generator, generateSyntheticProduct, is in
// permafrost-lab/tools, as is the rest of the tooling; its old name stays here for one release
export { generateSample } from './sample/generateSample.js';
export type { SyntheticProductOptions, SyntheticProductResult, SyntheticProductPart, SampleOptions, SampleResult, SamplePart } from './sample/generateSample.js';
