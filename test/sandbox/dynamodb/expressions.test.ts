import { ServiceError } from '../../../local/aws/service-error';
import {
  applyUpdate,
  checkUnused,
  evaluateCondition,
  parseCondition,
  parseProjection,
  parseUpdate,
  project,
} from '../../../local/services/dynamodb/expressions';
import type { Item } from '../../../local/services/dynamodb/attribute-value';

const item: Item = {
  targetKey: { S: 'eb:retail-bank/retail-bank-prod' },
  version: { N: '3' },
  holder: { S: 'arn:aws:states:us-east-1:123456789012:execution:deploy-retail-bank:run-1' },
  nested: { M: { count: { N: '2' }, tags: { L: [{ S: 'a' }, { S: 'b' }] } } },
};

const cond = (
  text: string,
  names?: Record<string, string>,
  values?: Record<string, Item[string]>,
  on: Item = item,
) => evaluateCondition(parseCondition(text, { names, values }).ast, on, { names, values });

describe('condition expressions', () => {
  test('comparisons, AND/OR/NOT and parentheses', () => {
    expect(cond('#v = :three', { '#v': 'version' }, { ':three': { N: '3' } })).toBe(true);
    expect(cond('#v <> :three', { '#v': 'version' }, { ':three': { N: '3' } })).toBe(false);
    expect(
      cond('version < :ten AND version >= :three', undefined, { ':ten': { N: '10' }, ':three': { N: '3' } }),
    ).toBe(true);
    expect(
      cond('version > :ten OR NOT (version = :one)', undefined, { ':ten': { N: '10' }, ':one': { N: '1' } }),
    ).toBe(true);
    expect(
      cond('(version > :ten OR version = :one) AND attribute_exists(holder)', undefined, {
        ':ten': { N: '10' },
        ':one': { N: '1' },
      }),
    ).toBe(false);
    // Numbers compare as numbers, not text.
    expect(cond('version < :ten', undefined, { ':ten': { N: '10' } })).toBe(true);
  });

  test('attribute_exists, attribute_not_exists, begins_with and nested paths', () => {
    expect(cond('attribute_not_exists(targetKey)', undefined, undefined, {})).toBe(true);
    expect(
      cond(
        'attribute_exists(holder) AND begins_with(#t, :eb)',
        { '#t': 'targetKey' },
        { ':eb': { S: 'eb:' } },
      ),
    ).toBe(true);
    expect(cond('begins_with(targetKey, :ec2)', undefined, { ':ec2': { S: 'ec2:' } })).toBe(false);
    expect(
      cond(
        'nested.#c = :two AND nested.tags[1] = :b',
        { '#c': 'count' },
        { ':two': { N: '2' }, ':b': { S: 'b' } },
      ),
    ).toBe(true);
  });

  test('a missing attribute is never equal and never ordered', () => {
    expect(cond('missing = :x', undefined, { ':x': { S: 'x' } })).toBe(false);
    expect(cond('missing < :x', undefined, { ':x': { S: 'x' } })).toBe(false);
  });

  test('unknown placeholders and syntax errors are ValidationExceptions naming the problem', () => {
    expect(() => parseCondition('#nope = :v', { values: { ':v': { S: 'x' } } })).toThrow(
      /attribute name used in the document path is not defined; attribute name: #nope/,
    );
    expect(() => parseCondition('a = :nope', { values: {} })).toThrow(/attribute value: :nope/);
    expect(() => parseCondition('a = = :v', { values: { ':v': { S: 'x' } } })).toThrow(/Syntax error/);
    expect(() => parseCondition('a = :v AND', { values: { ':v': { S: 'x' } } })).toThrow(ServiceError);
    expect(() => parseCondition('', {})).toThrow(/can not be empty/);
    expect(() => parseCondition('a ~ :v', { values: { ':v': { S: 'x' } } })).toThrow(
      /Syntax error; token: "~"/,
    );
  });

  test('unused placeholders are refused, as DynamoDB does', () => {
    const { usedNames, usedValues } = parseCondition('a = :v', {
      values: { ':v': { S: 'x' }, ':w': { S: 'y' } },
    });
    expect(() =>
      checkUnused({ values: { ':v': { S: 'x' }, ':w': { S: 'y' } } }, usedNames, usedValues),
    ).toThrow(/unused in expressions: keys: \{:w\}/);
  });
});

describe('update expressions', () => {
  test('SET with if_not_exists and arithmetic, REMOVE', () => {
    const values = { ':one': { N: '1' }, ':now': { S: '2026-01-01T00:00:00Z' }, ':zero': { N: '0' } };
    const { actions } = parseUpdate(
      'SET version = version + :one, createdAt = if_not_exists(createdAt, :now), #n.#c = :zero REMOVE holder',
      { names: { '#n': 'nested', '#c': 'count' }, values },
    );
    const out = applyUpdate(actions, item, { names: { '#n': 'nested', '#c': 'count' }, values }, [
      'targetKey',
    ]);
    expect(out.version).toEqual({ N: '4' });
    expect(out.createdAt).toEqual({ S: '2026-01-01T00:00:00Z' });
    expect(out.holder).toBeUndefined();
    expect((out.nested as { M: Item }).M.count).toEqual({ N: '0' });
    // if_not_exists keeps an existing value.
    const again = applyUpdate(
      parseUpdate('SET createdAt = if_not_exists(createdAt, :later)', {
        values: { ':later': { S: 'later' } },
      }).actions,
      out,
      { values: { ':later': { S: 'later' } } },
      ['targetKey'],
    );
    expect(again.createdAt).toEqual({ S: '2026-01-01T00:00:00Z' });
    // The input item is not changed.
    expect(item.version).toEqual({ N: '3' });
  });

  test('key attributes cannot be updated and a clause may appear once', () => {
    const values = { ':k': { S: 'other' } };
    expect(() =>
      applyUpdate(parseUpdate('SET targetKey = :k', { values }).actions, item, { values }, ['targetKey']),
    ).toThrow(/part of the key/);
    expect(() => parseUpdate('SET a = :k SET b = :k', { values })).toThrow(/can only be used once/);
    expect(() => parseUpdate('UPSERT a = :k', { values })).toThrow(/Syntax error/);
  });

  test('projection keeps only the named attributes', () => {
    const { paths } = parseProjection('#t, version', { names: { '#t': 'targetKey' } });
    expect(project(item, paths)).toEqual({ targetKey: item.targetKey, version: item.version });
  });
});
