// The public API of permafrost-lab: everything a notebook or script imports by name.
export { version } from './version.js';
export { PermafrostError, FileError, FormatError, InputError, LimitError } from './errors.js';
export { show, figureHtml, isFigure, type Figure } from './display/show.js';
export { tableHtml, type TableHtmlOptions } from './display/tableHtml.js';
export { escapeHtml } from './notebooks/html.js';
export { runNotebooks, runNotebookFiles, describeFailure, type NotebookReport, type RunNotebooksOptions } from './notebooks/runNotebooks.js';
