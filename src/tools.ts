// `permafrost-lab/tools`: the building blocks under the public API, and the project's own tooling
// (notebook runner, page checks, fuzzing, benchmarks, guards), for the command line, the tests
// and those who extend the library. Notebooks need only `permafrost-lab`.

// GeoTIFF internals and CRSs
export { invertTransform, bboxOf } from './geotiff/openRaster.js';
export { blockAccessOf } from './geotiff/blockAccess.js';
export { makeTransform, asTransform, withTransform, type TransformInput, type TransformFields } from './geotiff/rasterNames.js';
export { geoKeysToCrs, epsgToProj4, epsgCrs, KNOWN_CRS, type Crs } from './geotiff/crs.js';
export { epsgTable, type EpsgTable } from './geotiff/epsgTable.js';
export { asNumbers } from './geotiff/metadata.js';
export { cellArea, polarStereographicScale } from './grid/cellArea.js';
export { rasterizePolygons, projectRings, type Ring, type PolygonRaster } from './grid/rasterize.js';
export { lonLatGrid, type LonLatGrid } from './grid/lonLat.js';

// NetCDF files (NetCDF3 classic, NetCDF4/HDF5; CF): each gridded variable as a Raster
export { openNetcdf, openNetcdfRaster, openNcFile } from './netcdf/openNetcdf.js';
export { decodeTimes, cfCrs } from './netcdf/cf.js';
export { periodMeansRaster, fiveYearPeriod, type YearLayer } from './dataset/periodMeans.js';

// The block engine and its kernels
export { workerPool, WorkerPool } from './geotiff/workerPool.js';
export { runPass, placesOf, PLACES_PER_WORKER, type Pass, type PassFile, type PassCount, type Place } from './engine/pass.js';
export { KERNEL_MODULE, runTask, type KernelTask, type KernelResult } from './stats/kernels.js';
export { emptyMoments, momentsOf, mergeMoments, summarizeMoments, type Moments } from './stats/moments.js';

// The dataset's pieces
export { discoverLayout, variableOfName } from './dataset/discover.js';
export { latitudeBand, parsePeriod } from './dataset/periods.js';
export { weightedMedian, weightedQuantiles, cumulativePositions } from './stats/weightedQuantile.js';
export { regionLabels, regionCacheFile } from './dataset/regions.js';
export { memoryLimit, checkMemory } from './dataset/memory.js';

// Figures: style and HTML
export { figureHtml, isFigure, datasetBanner, plotlyJson } from './display/show.js';
export { fingerprintFiles, compareFingerprints, fingerprintCacheFile, type DatasetFingerprint } from './provenance/fingerprint.js';
export { lightNotebook, shareNotebook } from './notebooks/share.js';
export { renderFigure, renderFigureSync } from './display/render.js';
export { tableHtml } from './display/tableHtml.js';
export { downsample } from './plot/mapFigure.js';
export { CATEGORICAL, PALETTE, DIVERGING, SEQUENTIAL, SYNTHETIC_CAPTION, label, LABELS } from './plot/style.js';
export { standaloneHtml } from './display/saveFigure.js';
export { chromiumPath, launchChromium } from './display/chromium.js';
export { escapeHtml } from './core/escape.js';

// The synthetic product: its generator (generateSample is its deprecated old name) and model
export { generateSyntheticProduct, generateSample } from './sample/generateSample.js';
export { PERIODS, MID_YEARS, sampleGrid } from './sample/model.js';

// Tooling: notebooks, pages, fuzzing, benchmarks, guards, text tables
export { runNotebooks, runNotebookFiles, describeFailure, type NotebookReport, type RunNotebooksOptions } from './notebooks/runNotebooks.js';
export { checkPages, type PageCheck } from './notebooks/checkPage.js';
export { runFuzz, type FuzzOptions, type FuzzReport } from './fuzz/fuzz.js';
export { runBenchmarks, type BenchOptions } from './bench/bench.js';
export { protectFolder, checkOutputPath } from './guard.js';
export { parseDelimited, type TextTable } from './stations/csv.js';
export { decodeText, type DecodedText, type TextEncoding } from './stations/decodeText.js';
export { parseCoordinate, type CoordinateAxis, type ParsedCoordinate } from './stations/parseCoordinate.js';
export { forwardSelection } from './model/crossValidate.js';
export { PREDICTOR_NAMES } from './model/reproduce.js';
