import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  Quantity,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_NUMERIC_ERROR,
  QUANTITY_SUFFIX_ERROR,
  QuantityError,
  parseQuantity,
  quantityError,
  tryParseQuantity,
} from './quantity.js';

// Input -> serialized form, captured from kubectl 1.32 (`kubectl set resources --local
// --limits=cpu=<in> -o jsonpath=...`), which parses and re-marshals with resource.Quantity.
// Not included: "1000E" and "5000E", which 1.32 prints as "1" and "5" (the bug fixed by
// kubernetes#140459); kite prints "1e21" and "5e21" as fixed Kubernetes does.
const kubectlPrints: [string, string][] = [
  ["0", "0"],
  ["0n", "0"],
  ["0m", "0"],
  ["0Ki", "0"],
  ["0k", "0"],
  ["-0", "0"],
  ["+0", "0"],
  ["00", "0"],
  ["1", "1"],
  ["1Ki", "1Ki"],
  ["8Ki", "8Ki"],
  ["7Mi", "7Mi"],
  ["6Gi", "6Gi"],
  ["5Ti", "5Ti"],
  ["4Pi", "4Pi"],
  ["3Ei", "3Ei"],
  ["10Ti", "10Ti"],
  ["100Ti", "100Ti"],
  ["5n", "5n"],
  ["4u", "4u"],
  ["3m", "3m"],
  ["9", "9"],
  ["8k", "8k"],
  ["50k", "50k"],
  ["7M", "7M"],
  ["6G", "6G"],
  ["5T", "5T"],
  ["40T", "40T"],
  ["300T", "300T"],
  ["2P", "2P"],
  ["1E", "1E"],
  ["1E-3", "1E-3"],
  ["1e3", "1e3"],
  ["1E6", "1E6"],
  ["1e9", "1e9"],
  ["1E12", "1E12"],
  ["1e15", "1e15"],
  ["1E18", "1E18"],
  ["1e14", "100e12"],
  ["1e13", "10e12"],
  ["100.035k", "100.035k"],
  ["0.001", "1m"],
  ["0.0005k", "500m"],
  ["0.005", "5m"],
  ["0.05", "50m"],
  ["0.5", "500m"],
  ["0.00050k", "500m"],
  ["0.00500", "5m"],
  ["0.05000", "50m"],
  ["0.50000", "500m"],
  ["0.5e0", "500e-3"],
  ["0.5e-1", "50e-3"],
  ["0.5e-2", "5e-3"],
  ["10.035M", "10.035M"],
  ["1.2e3", "1200"],
  ["1.3E+6", "1300e3"],
  ["1.40e9", "1400e6"],
  ["1.53E12", "1530e9"],
  ["1.6e15", "1600e12"],
  ["1.7E18", "1700e15"],
  ["9.01", "9010m"],
  ["8.1k", "8100"],
  ["7.123456M", "7.123456M"],
  ["6.987654321G", "6.987654321G"],
  ["5.444T", "5.444T"],
  ["40.1T", "40100G"],
  ["300.2T", "300200G"],
  ["2.5P", "2500T"],
  ["1.01E", "1010P"],
  ["3.001n", "4n"],
  ["1.1E-9", "2e-9"],
  ["0.0000000001", "1n"],
  ["0.0000000005", "1n"],
  ["0.00000000050", "1n"],
  ["0.5e-9", "1e-9"],
  ["0.9n", "1n"],
  ["0.00000012345", "124n"],
  ["0.00000012354", "124n"],
  ["9Ei", "9223372036854775807"],
  ["9223372036854775807Ki", "9223372036854775807"],
  ["12E", "12E"],
  ["100.035Ki", "102435840m"],
  ["0.5Mi", "512Ki"],
  ["0.05Gi", "53687091200m"],
  ["0.025Ti", "27487790694400m"],
  ["0.000000000001Ki", "2n"],
  [".001", "1m"],
  [".0001k", "100m"],
  ["1.", "1."],
  ["1.G", "1.G"],
  ["1Gi", "1Gi"],
  ["1024Mi", "1Gi"],
  ["1000M", "1G"],
  [".001Ki", "1024m"],
  [".000001Ki", "1024u"],
  [".000000001Ki", "1024n"],
  ["1500m", "1500m"],
  ["1000", "1k"],
  ["1000m", "1"],
  ["2000m", "2"],
  ["1.5", "1500m"],
  ["1.5Gi", "1536Mi"],
  ["1536Mi", "1536Mi"],
  ["1025Ki", "1025Ki"],
  ["300Mi", "300Mi"],
  ["1001Gi", "1001Gi"],
  ["1e2", "100"],
  ["1e-2", "10e-3"],
  ["1e21", "1e21"],
  ["1e20", "100e18"],
  ["100E", "100E"],
  ["1e-10", "1e-9"],
  ["01m", "01m"],
  ["007", "007"],
  ["+1Gi", "+1Gi"],
  ["+100m", "+100m"],
  ["1E3", "1E3"],
  ["1e+3", "1e+3"],
  ["-1Gi", "-1Gi"],
  ["-100m", "-100m"],
  ["-1.5", "-1500m"],
  ["-0.5Gi", "-512Mi"],
  ["-1000", "-1k"],
  ["123456789012345678901234567890", "123456789012345678901234567890"],
  ["99999999999999999999m", "99999999999999999999m"],
  ["1.5e3", "1500"],
  ["15e2", "1500"],
  ["2e1", "20"],
  ["1e-1", "100e-3"],
  ["1e0", "1e0"],
  ["1e-3", "1e-3"],
  ["1e-4", "100e-6"],
  ["1e-8", "10e-9"],
  ["1e-9", "1e-9"],
  ["1024", "1024"],
  ["2048Ki", "2Mi"],
  ["3072", "3072"],
  ["1023Ki", "1023Ki"],
  ["0.5Ki", "512"],
  ["1.5Ki", "1536"],
  ["1024Ki", "1Mi"],
  ["1048576", "1048576"],
  ["1048576Ki", "1Gi"],
  ["1073741824", "1073741824"],
  ["4096Mi", "4Gi"],
  ["12345678901234567", "12345678901234567"],
  ["1234567890123456789", "1234567890123456789"],
  ["0.1m", "100u"],
  ["0.1u", "100n"],
  ["1n", "1n"],
  ["1.5n", "2n"],
  ["100u", "100u"],
  ["1000u", "1m"],
  ["1000n", "1u"],
  ["1000000n", "1m"],
  ["999m", "999m"],
  ["1001m", "1001m"],
  ["1e6", "1e6"],
  ["1e7", "10e6"],
  ["1e8", "100e6"],
  ["1Mi", "1Mi"],
  ["2Mi", "2Mi"],
  ["8Mi", "8Mi"],
  ["64Mi", "64Mi"],
  ["128Mi", "128Mi"],
  ["256Mi", "256Mi"],
  ["512Mi", "512Mi"],
  ["1536Ki", "1536Ki"],
  ["1.5Mi", "1536Ki"],
  ["3Gi", "3Gi"],
  ["10Gi", "10Gi"],
  ["1Pi", "1Pi"],
  ["1Ei", "1Ei"],
  ["2Ei", "2Ei"],
  ["7Ei", "7Ei"],
  ["8Ei", "9223372036854775807"],
  ["1.5Ei", "1536Pi"],
  ["1e18", "1e18"],
  ["9e18", "9e18"],
  ["1e19", "10e18"],
  ["10E", "10E"],
  ["8E", "8E"],
  ["9.3E", "9300P"],
  ["1.1", "1100m"],
  ["1.10", "1100m"],
  ["1.100", "1.100"],
  ["1.1000", "1100m"],
  ["0.1", "100m"],
  ["0.10", "100m"],
  ["0.01", "10m"],
  ["10m", "10m"],
  ["100m", "100m"],
  ["11m", "11m"],
  ["110m", "110m"],
  ["1100m", "1100m"],
  ["12345m", "12345m"],
  ["5e-1", "500e-3"],
  ["50e-2", "500e-3"],
  ["1k", "1k"],
  ["10k", "10k"],
  ["100k", "100k"],
  ["1000k", "1M"],
  ["1M", "1M"],
  ["1.5M", "1500k"],
  ["1.5k", "1500"],
  ["1.25k", "1250"],
  ["1.125k", "1.125k"],
  ["0.0625", "62500u"],
  ["62.5m", "62500u"],
  ["1u", "1u"],
  ["1.5u", "1500n"],
  ["1m", "1m"],
  ["1e4294967296", "1e4294967296"],
  ["1.5Pi", "1536Ti"],
  ["0.5Pi", "512Ti"],
  ["1.5Ti", "1536Gi"],
  ["10Pi", "10Pi"],
  ["1e-20", "1e-9"],
  ["-1e-20", "-1e-9"],
  ["-.5Pi", "-512Ti"],
  ["1e9223372036854775807", "100e-3"],
  ["1e-9223372036854775808", "1e-9223372036854775808"],
  ["1e2147483647", "10e2147483646"],
  ["1.Pi", "1Pi"],
  ["0.Pi", "0"],
  ["Ki", "0"],
  ["Mi", "0"],
  ["m", "0"],
  ["k", "0"],
  ["E", "0"],
  ["e3", "0"],
  ["-m", "0"],
  ["3000Ki", "3000Ki"],
  ["1.Ei", "1Ei"],
  [".", "0"],
  ["-.", "0"],
];

// Captured from kubectl 1.32 the same way, plus upstream's TestQuantityParse invalid list.
const kubectlRejects: [string, string][] = [
  ["1.1.M", QUANTITY_FORMAT_ERROR],
  ["1+1.0M", QUANTITY_FORMAT_ERROR],
  ["0.1mi", QUANTITY_SUFFIX_ERROR],
  ["0.1am", QUANTITY_FORMAT_ERROR],
  ["aoeu", QUANTITY_FORMAT_ERROR],
  [".5i", QUANTITY_SUFFIX_ERROR],
  ["1i", QUANTITY_SUFFIX_ERROR],
  ["-3.01i", QUANTITY_SUFFIX_ERROR],
  ["-3.01e-", QUANTITY_SUFFIX_ERROR],
  ["1Qi", QUANTITY_FORMAT_ERROR],
  ["1e", QUANTITY_SUFFIX_ERROR],
  ["1e-", QUANTITY_SUFFIX_ERROR],
  ["1ee3", QUANTITY_SUFFIX_ERROR],
  ["1Ee3", QUANTITY_SUFFIX_ERROR],
  ["1e3.5", QUANTITY_FORMAT_ERROR],
  ["1Mi3", QUANTITY_SUFFIX_ERROR],
  ["1e99999999999999999999", QUANTITY_SUFFIX_ERROR],
  ["--1", QUANTITY_SUFFIX_ERROR],
  ["1m1", QUANTITY_SUFFIX_ERROR],
  [".Pi", QUANTITY_NUMERIC_ERROR],
  ["1kk", QUANTITY_SUFFIX_ERROR],
  ["1Kk", QUANTITY_SUFFIX_ERROR],
  ["1K", QUANTITY_SUFFIX_ERROR],
  ["1MiB", QUANTITY_FORMAT_ERROR],
  ["Pi", QUANTITY_NUMERIC_ERROR],
  ["-Pi", QUANTITY_NUMERIC_ERROR],
  [" 1", QUANTITY_FORMAT_ERROR],
  ["1 ", QUANTITY_FORMAT_ERROR],
  ["", QUANTITY_FORMAT_ERROR],
];

describe('Quantity parsing and printing', () => {
  it('prints every input exactly as kubectl 1.32 does', () => {
    const wrong = kubectlPrints.filter(([input, out]) => parseQuantity(input).toString() !== out).map(([input, out]) => `${input}: want ${out}, got ${parseQuantity(input).toString()}`);
    assert.deepEqual(wrong, []);
  });

  it('rejects bad input with Kubernetes messages', () => {
    const wrong = kubectlRejects.filter(([input, message]) => quantityError(input) !== message).map(([input, message]) => `${JSON.stringify(input)}: want ${message}, got ${quantityError(input)}`);
    assert.deepEqual(wrong, []);
    assert.equal(QUANTITY_FORMAT_ERROR, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    assert.throws(() => parseQuantity('abc'), (e: unknown) => e instanceof QuantityError && e.message === QUANTITY_FORMAT_ERROR);
    assert.equal(tryParseQuantity('1Qi'), undefined);
    assert.equal(tryParseQuantity('1Gi')?.toString(), '1Gi');
  });

  it('the brief examples', () => {
    assert.equal(parseQuantity('1Gi').toString(), '1Gi');
    assert.equal(parseQuantity('500m').toString(), '500m');
    assert.equal(parseQuantity('1500m').toString(), '1500m');
    assert.equal(parseQuantity('0.5').toString(), '500m');
    assert.equal(parseQuantity('1e3').toString(), '1e3');
  });

  it('prints past the E suffix with an exponent instead of losing magnitude', () => {
    assert.equal(parseQuantity('1000E').toString(), '1e21');
    assert.equal(parseQuantity('5000E').toString(), '5e21');
    assert.equal(parseQuantity('1000E').cmp(parseQuantity('1e21')), 0);
  });

  it('keeps the format of the suffix it was written with', () => {
    assert.equal(parseQuantity('1Gi').format, 'BinarySI');
    assert.equal(parseQuantity('1G').format, 'DecimalSI');
    assert.equal(parseQuantity('1e9').format, 'DecimalExponent');
    assert.equal(parseQuantity('0.000000000001Ki').format, 'DecimalSI');
    assert.equal(parseQuantity('9Ei').toString(), '9223372036854775807');
  });

  it('survives absurd exponents without hanging (Kubernetes itself hangs on 1e2147483648)', () => {
    assert.equal(parseQuantity('1e2147483648').toString(), '1e-9'); // the exponent wraps to -2^31 as in Go
    assert.equal(parseQuantity('1e-2147483648').toString(), '1e-9');
    assert.equal(parseQuantity('1e2147483647').cmp(parseQuantity('1')), 1);
  });

  it('reads JSON strings (trimmed) and numbers', () => {
    assert.equal(Quantity.fromJSON(' 2Gi ').toString(), '2Gi');
    assert.equal(Quantity.fromJSON(1.5).toString(), '1500m');
    assert.equal(JSON.stringify({ cpu: parseQuantity('0.25') }), '{"cpu":"250m"}');
    assert.throws(() => Quantity.fromJSON(null), QuantityError);
  });
});

describe('Quantity arithmetic', () => {
  const q = parseQuantity;

  it('compares across formats and scales (upstream TestQuantityCmp)', () => {
    assert.equal(q('0').cmp(q('0')), 0);
    assert.equal(q('100m').cmp(q('50m')), 1);
    assert.equal(q('50m').cmp(q('100m')), -1);
    assert.equal(q('10000T').cmp(q('100Gi')), 1);
    assert.equal(q('1Ki').cmp(q('1024')), 0);
    assert.equal(q('1k').cmp(q('1Ki')), -1);
    assert.equal(q('-1').cmp(q('-2')), 1);
    assert.equal(q('-1Gi').cmp(q('1m')), -1);
    assert.ok(q('1').equals(q('1000m')));
  });

  it('adds and subtracts exactly; a zero receiver adopts the other format (upstream TestAdd/TestSub)', () => {
    assert.equal(q('10').add(q('1e1')).toString(), '20');
    assert.equal(q('10').add(Quantity.fromValue(1, 'BinarySI')).format, 'DecimalSI');
    assert.equal(Quantity.fromValue(10, 'BinarySI').add(q('1')).format, 'BinarySI');
    assert.equal(Quantity.zero().add(q('100m')).toString(), '100m');
    assert.equal(q('100m').add(Quantity.zero()).toString(), '100m');
    assert.equal(q('1Gi').add(q('0')).toString(), '1Gi');
    assert.equal(q('0').add(q('1Gi')).toString(), '1Gi');
    assert.equal(q('1Gi').sub(q('512Mi')).toString(), '512Mi');
    assert.equal(q('1').sub(q('250m')).toString(), '750m');
    assert.equal(q('0').sub(q('1Gi')).toString(), '-1Gi');
    assert.equal(q('10').sub(q('1e1')).toString(), '0');
    assert.equal(q('100m').add(q('900m')).toString(), '1');
    assert.equal(q('1.5Gi').add(q('0.5Gi')).toString(), '2Gi');
  });

  it('negates and multiplies (upstream TestQuantityNeg)', () => {
    assert.equal(q('9.01').neg().toString(), '-9010m');
    assert.equal(q('-1Gi').neg().toString(), '1Gi');
    assert.equal(q('+1Gi').neg().neg().toString(), '1Gi');
    assert.equal(q('250m').mul(4).toString(), '1');
    assert.equal(q('1Mi').mul(1024).toString(), '1Gi');
  });

  it('gives values rounded away from zero', () => {
    assert.equal(q('1500m').value(), 2);
    assert.equal(q('1500m').milliValue(), 1500);
    assert.equal(q('1').milliValue(), 1000);
    assert.equal(q('1n').milliValue(), 1);
    assert.equal(q('0').milliValue(), 0);
    assert.equal(q('-1500m').value(), -2);
    assert.equal(q('1Gi').value(), 1073741824);
    assert.equal(q('100.035Ki').value(), 102436);
    assert.equal(q('9.01').scaledValue(-2), 901n);
    assert.equal(q('9.01').scaledValue(-1), 91n);
    assert.equal(q('9.01').scaledValue(1), 1n);
    assert.equal(q('1e30').scaledValue(0), 10n ** 30n);
    assert.equal(q('1.5').toNumber(), 1.5);
  });

  it('builds quantities from numbers like NewQuantity/NewMilliQuantity/NewScaledQuantity', () => {
    assert.equal(Quantity.fromValue(5, 'BinarySI').toString(), '5');
    assert.equal(Quantity.fromValue(2048, 'BinarySI').toString(), '2Ki');
    assert.equal(Quantity.fromValue(3000, 'BinarySI').toString(), '3000');
    assert.equal(Quantity.fromValue(3000).toString(), '3k');
    assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
    assert.equal(Quantity.fromMilli(2000).toString(), '2');
    assert.equal(Quantity.fromMilli(500, 'BinarySI').toString(), '500m');
    assert.equal(Quantity.fromScaled(5, 9).toString(), '5G');
    assert.equal(Quantity.fromValue(1, 'DecimalExponent').mul(1000).toString(), '1e3');
    assert.throws(() => Quantity.fromValue(1.5), RangeError);
  });
});
