import { describe, expect, it } from 'vitest';
import { permafrostCoding, zoneShareOfName } from '../../src/dataset/coding.js';
import { applyPam, parsePam } from '../../src/geotiff/pam.js';
import { parseGdalMetadata } from '../../src/geotiff/metadata.js';

describe('permafrost codings from class names', () => {
  it('reads zone names in English and Chinese, discontinuous before continuous and sparse islands as sporadic', () => {
    const zone = (n: string) => zoneShareOfName(n)?.zone ?? null;
    expect(zone('Discontinuous permafrost (50-90%)')).toBe('discontinuous');
    expect(zone('Continuous')).toBe('continuous');
    expect(zone('Isolated patches')).toBe('isolated');
    expect(zone('不连续多年冻土')).toBe('discontinuous');
    expect(zone('连续多年冻土')).toBe('continuous');
    expect(zone('稀疏岛状多年冻土')).toBe('sporadic');
    expect(zone('岛状多年冻土')).toBe('isolated');
    expect(zone('季节冻土')).toBe('none');
    expect(zone('Non-permafrost')).toBe('none');
    expect(zone('Glacier')).toBe('none');
    expect(zone('Forest')).toBeNull();
  });

  it('takes the names only when every class the values hold is named as a zone', () => {
    const values = [1, 1, 2, 4];
    const names = ['', 'Isolated', 'Sporadic', 'Discontinuous', 'Continuous'];
    const named = permafrostCoding(values, '', '', names);
    expect(named.kind).toBe('classes');
    expect(named.table).toEqual([0, 0.05, 0.3, 0.7, 0.95]);
    // a class held but named otherwise: the names are not used, the values decide (1 continuous first)
    const unread = permafrostCoding(values, '', '', ['', 'Isolated', 'Forest', 'Discontinuous', 'Continuous']);
    expect(unread.table).toEqual([0, 0.95, 0.7, 0.3, 0.05, 0]);
  });

  it('parses GDAL sidecars: descriptions, nodata, scale, category names and an attribute table', () => {
    const bands = parsePam(`<PAMDataset>
  <PAMRasterBand band="1"><Description>MAGT &amp; more</Description><NoDataValue>-3.4028234663852886e+38</NoDataValue><Scale>0.01</Scale>
    <CategoryNames><Category /><Category>Continuous</Category></CategoryNames></PAMRasterBand>
  <PAMRasterBand band="2"><GDALRasterAttributeTable tableType="thematic">
    <FieldDefn index="0"><Name>Value</Name><Type>0</Type><Usage>0</Usage></FieldDefn>
    <FieldDefn index="1"><Name>Count</Name><Type>0</Type><Usage>1</Usage></FieldDefn>
    <FieldDefn index="2"><Name>ZONE</Name><Type>2</Type><Usage>0</Usage></FieldDefn>
    <Row index="0"><F>2</F><F>10</F><F>零星多年冻土</F></Row><Row index="1"><F>0</F><F>5</F><F>季节冻土</F></Row>
  </GDALRasterAttributeTable></PAMRasterBand>
  <PAMRasterBand band="9"><Description>not a band of this file</Description></PAMRasterBand>
</PAMDataset>`, 2);
    expect(bands[0]).toEqual({ description: 'MAGT & more', noData: '-3.4028234663852886e+38', scale: '0.01', classes: ['', 'Continuous'] });
    expect(bands[1].classes).toEqual(['季节冻土', '', '零星多年冻土']);
  });

  it('fills only what the file lacks, and refuses different nodata values per band', () => {
    const gdal = parseGdalMetadata('<GDALMetadata><Item name="DESCRIPTION" sample="0" role="description">inside</Item></GDALMetadata>', 2);
    const pam = parsePam('<PAMDataset><PAMRasterBand band="1"><Description>beside</Description><NoDataValue>-1</NoDataValue></PAMRasterBand>' +
      '<PAMRasterBand band="2"><Description>second</Description><UnitType>m</UnitType></PAMRasterBand></PAMDataset>', 2);
    expect(applyPam(gdal, pam, 'a.tif')).toEqual({ noData: '-1', gave: ['band descriptions', 'units', 'nodata'] });
    expect(gdal.bands.map((b) => b.DESCRIPTION)).toEqual(['inside', 'second']);
    const twoNoData = parsePam('<PAMDataset><PAMRasterBand band="1"><NoDataValue>-1</NoDataValue></PAMRasterBand>' +
      '<PAMRasterBand band="2"><NoDataValue>-2</NoDataValue></PAMRasterBand></PAMDataset>', 2);
    expect(() => applyPam(parseGdalMetadata(undefined, 2), twoNoData, 'b.tif')).toThrow('b.tif.aux.xml gives the bands different nodata values (-1, -2)');
  });
});
