// The public API of permafrost-lab: everything a notebook or script imports by name.
export { version } from './version.js';
export { PermafrostError, FileError, FormatError, InputError, LimitError } from './errors.js';

// GeoTIFF engine
export { openRaster, invertTransform, bboxOf, type Raster, type OpenRasterOptions, type ReadOptions, type ValuesAtOptions,
  type Window, type Transform, type BBox, type Overview, type Point } from './geotiff/openRaster.js';
export { writeGeoTIFF, type WritableRaster, type WriteOptions, type WriteResult } from './geotiff/writeGeoTIFF.js';
export { geoKeysToCrs, epsgToProj4, KNOWN_CRS, type Crs } from './geotiff/crs.js';
export type { DataType, TypedArray } from './geotiff/metadata.js';

// Grid
export { cellArea, polarStereographicScale, type CellArea, type GridLike } from './grid/cellArea.js';

// Display
export { show, figureHtml, isFigure, type Figure } from './display/show.js';
export { tableHtml, type TableHtmlOptions } from './display/tableHtml.js';
export { escapeHtml } from './notebooks/html.js';

// Notebook runner
export { runNotebooks, runNotebookFiles, describeFailure, type NotebookReport, type RunNotebooksOptions } from './notebooks/runNotebooks.js';

// Synthetic sample
export { generateSample, type SampleOptions, type SampleResult, type SamplePart } from './sample/generateSample.js';
export { PERIODS, MID_YEARS, sampleGrid } from './sample/model.js';
export { rasterizePolygons, projectRings, type Ring, type PolygonRaster } from './grid/rasterize.js';

// Statistics
export { rasterStatistics, type BandStatistics, type RasterStatisticsOptions } from './stats/rasterStatistics.js';
export { emptyMoments, momentsOf, mergeMoments, summarizeMoments, type Moments } from './stats/moments.js';

// Dataset
export { openDataset, sampleFolder, type Dataset, type DatasetGrid, type OpenDatasetOptions, type TableOptions, type SummarizeOptions,
  type SampleOptions as PointSampleOptions, type TrendOptions, type TrendResult } from './dataset/openDataset.js';
export { discoverLayout, variableOfName, VARIABLES, type Variable, type Layout } from './dataset/discover.js';
export { checkFolder, checkText, type CheckReport, type FileCheck } from './dataset/check.js';
export { permafrostCoding, type PermafrostCoding } from './dataset/coding.js';
export { parsePeriod, PRODUCT_PERIODS, type Period } from './dataset/periods.js';
export { REGIONS, regionLabels, regionMask, type RegionDefinition, type GeoJsonArea } from './dataset/regions.js';
export { lonLatGrid, type LonLatGrid } from './grid/lonLat.js';
export { sensSlope, mannKendall, benjaminiHochberg, type MannKendall } from './stats/trend.js';
export { ZONES, type ChangeResult, type ZonationOptions, type ZonationResult } from './dataset/openDataset.js';
export { summarizeTrend, trendRaster, changeRaster, weightedMedian } from './dataset/trendOutputs.js';

// Literature values, with their references
export { PUBLISHED } from './published.js';

// Figures (plain Plotly JSON)
export { trendFigure, type TrendFigureOptions } from './plot/trendFigure.js';
export { areaFigure, type AreaFigureOptions } from './plot/areaFigure.js';
export { histogramFigure, type HistogramFigureOptions } from './plot/histogramFigure.js';
export { mapFigure, downsample, type MapGrid, type MapFigureOptions } from './plot/mapFigure.js';
export { differenceMap } from './plot/differenceMap.js';
export { trendMap } from './plot/trendMap.js';
export { validationFigure, type ValidationFigureOptions } from './plot/validationFigure.js';
export { CATEGORICAL, DIVERGING, SEQUENTIAL, SYNTHETIC_CAPTION, type FigureOptions } from './plot/style.js';
export { metrics, type Metrics } from './stats/metrics.js';
export { saveFigure, closeFigureBrowser, standaloneHtml, chromiumPath, type SaveFigureOptions } from './plot/saveFigure.js';
export { checkPages, type PageCheck } from './notebooks/checkPage.js';

// Stations and validation
export { loadStations, type LoadStationsOptions, type LoadedStations, type StationVariable } from './stations/loadStations.js';
export { aggregatePeriods, type AggregateOptions } from './stations/aggregatePeriods.js';
export { validate, type ValidateOptions } from './stations/validate.js';
export { parseDelimited, type TextTable } from './stations/csv.js';

// Random-forest reproduction of the product's method
export { fitForest, type Forest, type ForestOptions } from './model/randomForest.js';
export { kFolds, groupFolds, blockFolds, crossValidate, permutationImportance, forwardSelection, type CrossValidation } from './model/crossValidate.js';
export { predictorsAt, predictMap, PREDICTOR_NAMES } from './model/reproduce.js';
export { residualMap } from './plot/residualMap.js';
export { errorFigure } from './plot/errorFigure.js';
export { scatterFigure } from './plot/scatterFigure.js';
export { datasetBanner } from './display/show.js';
export { trainingData } from './model/reproduce.js';
export { exportTable } from './dataset/exportTable.js';

// Guards and fuzzing
export { protectFolder, checkOutputPath } from './guard.js';
export { runFuzz, type FuzzOptions, type FuzzReport } from './fuzz/fuzz.js';
