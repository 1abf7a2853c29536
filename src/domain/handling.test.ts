import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DISTRIBUTIONS,
  PAP_LEVELS,
  TLP_COLOURS,
  TLP_LEVELS,
  allowsActiveActions,
  allowsThirdPartyLookups,
  distributionFromMisp,
  distributionToMisp,
  isAtLeastAsStrict,
  isDistributionAtLeastAsStrict,
  mispTagToPap,
  mispTagToTlp,
  papToMispTag,
  parsePap,
  parseTlp,
  stricterTlp,
  tlpRank,
  tlpToMispTag,
} from './handling.ts';
import type { DistributionScope, Pap, Tlp } from './handling.ts';
import { assertInvalid } from '../../test/helpers/invalid.ts';

describe('TLP', () => {
  test('ranks the levels from least to most restrictive', () => {
    assert.deepEqual(TLP_LEVELS, ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']);
    assert.deepEqual(TLP_LEVELS.map(tlpRank), [0, 1, 2, 3, 4]);
  });

  test('stricterTlp and isAtLeastAsStrict agree with the ranking', () => {
    assert.equal(stricterTlp('AMBER', 'AMBER+STRICT'), 'AMBER+STRICT');
    assert.equal(stricterTlp('RED', 'CLEAR'), 'RED');
    assert.equal(stricterTlp('GREEN', 'GREEN'), 'GREEN');
    for (const a of TLP_LEVELS) {
      for (const b of TLP_LEVELS) {
        assert.equal(isAtLeastAsStrict(a, b), TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b), `${a} vs ${b}`);
        assert.equal(stricterTlp(a, b), stricterTlp(b, a));
        assert.ok(isAtLeastAsStrict(stricterTlp(a, b), a) && isAtLeastAsStrict(stricterTlp(a, b), b));
      }
    }
    assert.equal(isAtLeastAsStrict('AMBER', 'AMBER+STRICT'), false);
  });

  test('parseTlp reads every spelling', () => {
    const spellings: [string, Tlp][] = [
      ['TLP:CLEAR', 'CLEAR'],
      ['clear', 'CLEAR'],
      ['tlp:white', 'CLEAR'],
      ['TLP:WHITE', 'CLEAR'],
      ['White', 'CLEAR'],
      ['TLP:GREEN', 'GREEN'],
      ['green', 'GREEN'],
      ['TLP:AMBER', 'AMBER'],
      ['amber', 'AMBER'],
      ['Tlp:Amber', 'AMBER'],
      ['TLP:AMBER+STRICT', 'AMBER+STRICT'],
      ['tlp:amber+strict', 'AMBER+STRICT'],
      ['amber+strict', 'AMBER+STRICT'],
      ['TLP:RED', 'RED'],
      [' red ', 'RED'],
    ];
    for (const [input, level] of spellings) assert.equal(parseTlp(input), level, input);
  });

  test('parseTlp refuses anything else, naming the field', () => {
    const reason = 'must be one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED';
    for (const input of ['TLP:PURPLE', 'tlp amber', 'TLP: AMBER', 'amber strict', 'tlp:tlp:red', 'pap:red', '', 3, null]) {
      assertInvalid(() => parseTlp(input), 'tlp', reason);
    }
    assertInvalid(() => parseTlp('orange', 'event.tlp'), 'event.tlp', reason);
  });

  test('FIRST colours', () => {
    assert.deepEqual(TLP_COLOURS, {
      CLEAR: '#FFFFFF',
      GREEN: '#33FF00',
      AMBER: '#FFC000',
      'AMBER+STRICT': '#FFC000',
      RED: '#FF2B2B',
    });
  });
});

describe('PAP', () => {
  test('parsePap reads every spelling', () => {
    const spellings: [string, Pap][] = [
      ['PAP:WHITE', 'CLEAR'],
      ['pap:white', 'CLEAR'],
      ['PAP:CLEAR', 'CLEAR'],
      ['clear', 'CLEAR'],
      ['pap:green', 'GREEN'],
      ['PAP:GREEN', 'GREEN'],
      ['AMBER', 'AMBER'],
      ['pap:amber', 'AMBER'],
      ['PAP:RED', 'RED'],
      [' red ', 'RED'],
    ];
    for (const [input, level] of spellings) assert.equal(parsePap(input), level, input);
  });

  test('parsePap refuses anything else', () => {
    const reason = 'must be one of PAP:CLEAR, PAP:GREEN, PAP:AMBER, PAP:RED';
    for (const input of ['PAP:AMBER+STRICT', 'tlp:amber', 'PAP:', 'black', undefined]) {
      assertInvalid(() => parsePap(input), 'pap', reason);
    }
  });

  test('what each level allows', () => {
    assert.deepEqual(PAP_LEVELS, ['CLEAR', 'GREEN', 'AMBER', 'RED']);
    assert.deepEqual(PAP_LEVELS.map(allowsActiveActions), [true, true, false, false]);
    assert.deepEqual(PAP_LEVELS.map(allowsThirdPartyLookups), [true, true, true, false]);
  });
});

describe('distribution', () => {
  const organisation: DistributionScope = { distribution: 'organisation' };
  const groupA: DistributionScope = { distribution: 'sharing_group', sharingGroupId: 'a' };
  const groupB: DistributionScope = { distribution: 'sharing_group', sharingGroupId: 'b' };
  const community: DistributionScope = { distribution: 'community' };
  const federation: DistributionScope = { distribution: 'federation' };

  test('lists the levels from most to least restrictive', () => {
    assert.deepEqual(DISTRIBUTIONS, ['organisation', 'sharing_group', 'community', 'federation']);
  });

  test('a child may be as strict as its parent or stricter, and different groups never contain each other', () => {
    const scopes = { organisation, groupA, groupB, community, federation };
    // Rows: child; columns: parent, in the order of `scopes`.
    const expected: Record<keyof typeof scopes, boolean[]> = {
      organisation: [true, true, true, true, true],
      groupA: [false, true, false, true, true],
      groupB: [false, false, true, true, true],
      community: [false, false, false, true, true],
      federation: [false, false, false, false, true],
    };
    for (const [childName, row] of Object.entries(expected)) {
      Object.values(scopes).forEach((parent, i) => {
        const child = scopes[childName as keyof typeof scopes];
        assert.equal(isDistributionAtLeastAsStrict(child, parent), row[i], `${childName} under ${Object.keys(scopes)[i]}`);
      });
    }
  });
});

describe('MISP mappings', () => {
  test('TLP tags both ways', () => {
    assert.deepEqual(TLP_LEVELS.map(tlpToMispTag), ['tlp:clear', 'tlp:green', 'tlp:amber', 'tlp:amber+strict', 'tlp:red']);
    for (const level of TLP_LEVELS) assert.equal(mispTagToTlp(tlpToMispTag(level)), level);
    assert.equal(mispTagToTlp('tlp:white'), 'CLEAR');
    assert.equal(mispTagToTlp('TLP:AMBER+STRICT'), 'AMBER+STRICT');
  });

  test('a tag outside the tlp namespace carries no TLP; a bad tlp tag is refused', () => {
    assert.equal(mispTagToTlp('rsit:fraud="phishing"'), undefined);
    assert.equal(mispTagToTlp('APT 28'), undefined);
    assert.equal(mispTagToTlp('PAP:RED'), undefined);
    assertInvalid(() => mispTagToTlp('tlp:purple', 'Tag[0]'), 'Tag[0]', /must be one of TLP:CLEAR/);
    assertInvalid(() => mispTagToTlp('tlp:amber="yes"'), 'tag', 'a TLP tag takes no value, as in tlp:amber');
  });

  test('PAP tags both ways, in the spelling of MISP’s PAP taxonomy', () => {
    assert.deepEqual(PAP_LEVELS.map(papToMispTag), ['PAP:WHITE', 'PAP:GREEN', 'PAP:AMBER', 'PAP:RED']);
    for (const level of PAP_LEVELS) assert.equal(mispTagToPap(papToMispTag(level)), level);
    assert.equal(mispTagToPap('PAP:CLEAR'), 'CLEAR');
    assert.equal(mispTagToPap('pap:amber'), 'AMBER');
    assert.equal(mispTagToPap('tlp:amber'), undefined);
    assertInvalid(() => mispTagToPap('PAP:BLUE'), 'tag', /must be one of PAP:CLEAR/);
  });

  test('distribution levels from MISP', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((level) => distributionFromMisp(level)),
      ['organisation', 'community', 'federation', 'federation', 'sharing_group', 'inherit'],
    );
    assert.equal(distributionFromMisp('4'), 'sharing_group');
    for (const level of [6, -1, 1.5, '', 'x', '04', null, undefined, true]) {
      assertInvalid(() => distributionFromMisp(level, 'Event.distribution'), 'Event.distribution', 'must be a MISP distribution level from 0 to 5');
    }
  });

  test('distribution levels to MISP, and back unchanged', () => {
    assert.deepEqual(DISTRIBUTIONS.map(distributionToMisp), [0, 4, 1, 3]);
    assert.equal(distributionToMisp('inherit'), 5);
    for (const distribution of [...DISTRIBUTIONS, 'inherit' as const]) {
      assert.equal(distributionFromMisp(distributionToMisp(distribution)), distribution);
    }
  });
});
