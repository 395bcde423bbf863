import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PIDF_CHARS, formatCivicAddress, parsePidfLo } from './pidf-lo.js';

const NS =
  'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" ' +
  'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0"';
const wrap = (info: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><presence ${NS} entity="pres:a@example.com"><tuple id="t1"><status><gp:geopriv>` +
  `<gp:location-info>${info}</gp:location-info><gp:usage-rules/></gp:geopriv></status></tuple></presence>`;

describe('parsePidfLo geodetic shapes (RFC 5491)', () => {
  it('reads a Point as lat lon with no stated uncertainty', () => {
    const xml = wrap('<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>38.8977 -77.0365</gml:pos></gml:Point>');
    expect(parsePidfLo(xml).point).toEqual({ lat: 38.8977, lng: -77.0365, accuracyM: 0, shape: 'Point' });
  });

  it('reads a Circle radius in metres as the accuracy', () => {
    const xml = wrap(
      '<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>42.5463 -73.2512</gml:pos>' +
        '<gs:radius uom="urn:ogc:def:uom:EPSG::9001">850.24</gs:radius></gs:Circle>',
    );
    expect(parsePidfLo(xml).point).toEqual({ lat: 42.5463, lng: -73.2512, accuracyM: 850.24, shape: 'Circle' });
  });

  it('uses the semi-major axis of an Ellipse, even next to the broken tag of the NENA 2020 sample', () => {
    const xml = wrap(
      '<gs:Ellipsoid srsName="urn:ogc:def:crs:EPSG::4979"><gml:pos>40.441345 -80.000266 34</gml:pos>' +
        '<gs:semiMajorAxis uom="urn:ogc:def:uom:EPSG::9001">   7.7156   </gs:semiMajorAxis>' +
        '<gs:semiMinorAxis uom="urn:ogc:def:uom:EPSG::9001"   3.31   </gs:semiMinorAxis></gs:Ellipsoid>',
    );
    expect(parsePidfLo(xml).point).toEqual({ lat: 40.441345, lng: -80.000266, accuracyM: 7.7156, shape: 'Ellipsoid' });
    const ellipse = wrap('<gs:Ellipse><gml:pos>1 2</gml:pos><gs:semiMajorAxis>30</gs:semiMajorAxis><gs:semiMinorAxis>5</gs:semiMinorAxis></gs:Ellipse>');
    expect(parsePidfLo(ellipse).point).toMatchObject({ accuracyM: 30, shape: 'Ellipse' });
  });

  it('turns a Polygon into its centroid and the distance to its farthest vertex', () => {
    const xml = wrap(
      '<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>38.90 -77.01 38.90 -77.00 38.91 -77.00 38.91 -77.01 38.90 -77.01</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>',
    );
    const point = parsePidfLo(xml).point;
    expect(point?.lat).toBeCloseTo(38.905, 6);
    expect(point?.lng).toBeCloseTo(-77.005, 6);
    expect(point?.accuracyM).toBeGreaterThan(600);
    expect(point?.accuracyM).toBeLessThan(1000);
  });

  it('refuses shapes it cannot trust, and says why', () => {
    const feet = wrap('<gs:Circle><gml:pos>1 2</gml:pos><gs:radius uom="urn:ogc:def:uom:EPSG::9002">100</gs:radius></gs:Circle>');
    expect(parsePidfLo(feet)).toMatchObject({ point: null, problems: ['Circle: uncertainty in unit urn:ogc:def:uom:EPSG::9002, not metres'] });
    const projected = wrap('<gml:Point srsName="urn:ogc:def:crs:EPSG::26985"><gml:pos>400000 130000</gml:pos></gml:Point>');
    expect(parsePidfLo(projected).problems).toEqual(['Point: coordinate system urn:ogc:def:crs:EPSG::26985 is not WGS84 (EPSG:4326/4979)']);
    expect(parsePidfLo(wrap('<gml:Point><gml:pos>91 0</gml:pos></gml:Point>')).problems).toEqual(['Point: no usable position']);
    expect(parsePidfLo(wrap('<gml:Point><gml:pos>38.9 west</gml:pos></gml:Point>')).point).toBeNull();
  });

  it('takes the first usable shape and skips one in a comment', () => {
    const xml = wrap('<!-- <gml:Point><gml:pos>0 0</gml:pos></gml:Point> --><gml:Point><gml:pos>38.9 -77</gml:pos></gml:Point><gml:Point><gml:pos>1 1</gml:pos></gml:Point>');
    expect(parsePidfLo(xml).point).toMatchObject({ lat: 38.9, lng: -77 });
  });
});

describe('parsePidfLo civic addresses (RFC 5139)', () => {
  it('reads the civic address of the NENA call-transfer sample into one line', () => {
    const xml = wrap(
      '<civicAddress xmlns="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"> <country>US</country> <A1>DE</A1> ' +
        '<A3>Wilmington</A3> <PRD>W</PRD> <RD>Cellular</RD> <STS>Street</STS> <HNO>42</HNO> </civicAddress>',
    );
    const parsed = parsePidfLo(xml);
    expect(parsed.civic).toEqual({ country: 'US', A1: 'DE', A3: 'Wilmington', PRD: 'W', RD: 'Cellular', STS: 'Street', HNO: '42' });
    expect(parsed.address).toBe('42 W Cellular Street, Wilmington, DE');
    expect(parsed.point).toBeNull();
  });

  it('joins the parts that are there, decoding entities', () => {
    expect(formatCivicAddress({ HNO: '1600', RD: 'Pennsylvania', STS: 'Ave', POD: 'NW', A3: 'Washington', A1: 'DC', PC: '20500' })).toBe(
      '1600 Pennsylvania Ave NW, Washington, DC 20500',
    );
    expect(formatCivicAddress({ HNO: '12', HNS: 'A', RD: 'Main', LOC: 'Apt 4' })).toBe('12A Main Apt 4');
    expect(formatCivicAddress({ NAM: 'Union Station', A3: 'Washington' })).toBe('Union Station, Washington');
    expect(formatCivicAddress({ country: 'US' })).toBeNull();
    const xml = wrap('<ca:civicAddress xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"><ca:RD>Smith &amp; Wesson</ca:RD><ca:A3>D&#x43;</ca:A3></ca:civicAddress>');
    expect(parsePidfLo(xml).address).toBe('Smith & Wesson, DC');
  });
});

describe('parsePidfLo robustness', () => {
  const prefix = fc.constantFrom('', 'gml:', 'gs:', 'ns1:', 'x-y.z:');
  const space = fc.string({ unit: fc.constantFrom(' ', '\n', '\t', '\r\n'), maxLength: 4 });
  // `+ 0` turns -0 into 0: the XML text of -0 is "0".
  const lat = fc.double({ min: -90, max: 90, noNaN: true }).map((x) => x + 0);
  const lng = fc.double({ min: -180, max: 180, noNaN: true }).map((x) => x + 0);
  const radius = fc.double({ min: 0, max: 1e5, noNaN: true }).map((x) => x + 0);

  it('reads the same circle whatever the prefixes and whitespace', () => {
    fc.assert(
      fc.property(prefix, prefix, prefix, space, space, space, lat, lng, radius, (p1, p2, p3, s1, s2, s3, la, ln, r) => {
        const xml = wrap(
          `<${p1}Circle${s1} srsName${s2}=${s3}"urn:ogc:def:crs:EPSG::4326"${s1}>${s2}` +
            `<${p2}pos${s3}>${s1}${la}${s2 || ' '}${ln}${s3}</${p2}pos${s1}>${s2}` +
            `<${p3}radius uom='urn:ogc:def:uom:EPSG::9001'${s3}>${s1}${r}${s2}</${p3}radius>${s3}</${p1}Circle${s2}>`,
        );
        expect(parsePidfLo(xml).point).toEqual({ lat: la, lng: ln, accuracyM: r, shape: 'Circle' });
      }),
    );
  });

  it('reads the same civic address whatever the prefixes and whitespace', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .'-]{0,20}[A-Za-z0-9]$/);
    fc.assert(
      fc.property(prefix, space, word, word, (p, s, road, city) => {
        const xml = wrap(`<${p}civicAddress${s}>${s}<${p}RD${s}>${s}${road}${s}</${p}RD>${s}<${p}A3>${city}</${p}A3${s}></${p}civicAddress>`);
        expect(parsePidfLo(xml).address).toBe(`${road.replace(/\s+/g, ' ')}, ${city.replace(/\s+/g, ' ')}`);
      }),
    );
  });

  it('stays linear on hostile input and refuses oversized documents', () => {
    const hostile = [
      '<civicAddress><' + 'a.'.repeat(100_000),
      '<gml:Point>'.repeat(20_000),
      '<gml:Point><gml:pos' + ' a'.repeat(100_000),
      '<gs:Circle><gml:pos>1 2</gml:pos><gs:radius' + ' x'.repeat(100_000),
      '<!--'.repeat(50_000),
      '<gml:Polygon><gml:posList>' + '38.9 -77 '.repeat(25_000) + '</gml:posList></gml:Polygon>',
    ];
    for (const xml of hostile) {
      const started = performance.now();
      parsePidfLo(xml);
      // The quadratic versions of these patterns took minutes; linear ones take milliseconds.
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    expect(parsePidfLo(' '.repeat(MAX_PIDF_CHARS + 1)).problems).toEqual([`larger than ${MAX_PIDF_CHARS} characters: not read`]);
  });

  it('never throws, and any point it returns is on the Earth with a non-negative accuracy', () => {
    const fragments = fc.constantFrom(
      ...['<gml:Point>', '</gml:Point>', '<gs:Circle>', '</gs:Circle>', '<gml:pos>', '</gml:pos>', '<gs:radius>', '</gs:radius>'],
      ...['<gml:Polygon>', '<gml:posList>', '</gml:posList>', '<civicAddress>', '</civicAddress>', '<RD>', '</RD>'],
      ...['38.9 -77', '-5', '1e999', ' ', '<!--', '-->', '&amp;', '&#0;', '&#x110000;', 'uom="x"', 'srsName="EPSG::4326"'],
    );
    const xml = fc.oneof(fc.string(), fc.array(fragments, { maxLength: 40 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(xml, (text) => {
        const { point } = parsePidfLo(text);
        if (point) {
          expect(Math.abs(point.lat)).toBeLessThanOrEqual(90);
          expect(Math.abs(point.lng)).toBeLessThanOrEqual(180);
          expect(point.accuracyM).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(point.accuracyM)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
