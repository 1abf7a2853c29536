import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  COORDINATION_LIFECYCLE,
  COORDINATION_STATUSES,
  INCIDENT_LIFECYCLE,
  INCIDENT_STATUSES,
  SEVERITIES,
  coordinationTransition,
  nextCoordinationStatuses,
  nextStatuses,
  transition,
} from './lifecycle.ts';
import type { CoordinationStatus, IncidentStatus } from './lifecycle.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';

test('severities, most urgent first', () => {
  assert.deepEqual(SEVERITIES, ['critical', 'high', 'medium', 'low']);
});

// Every allowed step, written out independently of the tables; `true` marks a required reason.
const INCIDENT_STEPS: [IncidentStatus, IncidentStatus, boolean][] = [
  ['new', 'triaged', false],
  ['new', 'rejected', true],
  ['triaged', 'in_progress', false],
  ['triaged', 'rejected', true],
  ['in_progress', 'resolved', false],
  ['in_progress', 'closed', false],
  ['in_progress', 'rejected', true],
  ['resolved', 'closed', false],
  ['resolved', 'in_progress', true],
  ['closed', 'in_progress', true],
  ['rejected', 'in_progress', true],
];

const FORBIDDEN_INCIDENT_STEPS: [IncidentStatus, IncidentStatus][] = [
  ['new', 'in_progress'],
  ['new', 'resolved'],
  ['new', 'closed'],
  ['new', 'new'],
  ['triaged', 'new'],
  ['triaged', 'resolved'],
  ['in_progress', 'new'],
  ['in_progress', 'triaged'],
  ['resolved', 'rejected'],
  ['resolved', 'new'],
  ['closed', 'resolved'],
  ['closed', 'rejected'],
  ['rejected', 'closed'],
  ['rejected', 'triaged'],
];

describe('incident lifecycle', () => {
  for (const [from, to, reasonRequired] of INCIDENT_STEPS) {
    test(`${from} → ${to}${reasonRequired ? ' with a reason' : ''}`, () => {
      assert.equal(transition(from, to, { reason: 'confirmed by the reporter' }), to);
      if (reasonRequired) {
        assertInvalid(() => transition(from, to, {}), 'reason', `is required to go from ${from} to ${to}`);
        assertInvalid(() => transition(from, to, { reason: '  ' }), 'reason', `is required to go from ${from} to ${to}`);
      } else {
        assert.equal(transition(from, to), to);
      }
    });
  }

  for (const [from, to] of FORBIDDEN_INCIDENT_STEPS) {
    test(`${from} ↛ ${to}`, () => {
      assertInvalid(() => transition(from, to, { reason: 'because' }), 'status', `cannot go from ${from} to ${to}`);
    });
  }

  test('the table holds exactly the allowed steps', () => {
    const tabled = INCIDENT_STATUSES.flatMap((from) => nextStatuses(from).map((s) => [from, s.to, s.reasonRequired === true]));
    assert.deepEqual(new Set(tabled.map((s) => JSON.stringify(s))), new Set(INCIDENT_STEPS.map((s) => JSON.stringify(s))));
    assert.deepEqual(Object.keys(INCIDENT_LIFECYCLE), [...INCIDENT_STATUSES]);
  });

  test('nextStatuses gives the UI its choices', () => {
    assert.deepEqual(nextStatuses('in_progress'), [{ to: 'resolved' }, { to: 'closed' }, { to: 'rejected', reasonRequired: true }]);
    assert.deepEqual(nextStatuses('closed'), [{ to: 'in_progress', reasonRequired: true }]);
  });
});

const COORDINATION_STEPS: [CoordinationStatus, CoordinationStatus, boolean][] = [
  ['requested', 'accepted', false],
  ['requested', 'declined', true],
  ['requested', 'info_requested', false],
  ['info_requested', 'requested', false],
  ['info_requested', 'accepted', false],
  ['info_requested', 'declined', true],
  ['accepted', 'completed', false],
];

const FORBIDDEN_COORDINATION_STEPS: [CoordinationStatus, CoordinationStatus][] = [
  ['requested', 'completed'],
  ['requested', 'requested'],
  ['info_requested', 'completed'],
  ['accepted', 'declined'],
  ['accepted', 'requested'],
  ['declined', 'accepted'],
  ['declined', 'requested'],
  ['completed', 'accepted'],
  ['completed', 'requested'],
];

describe('coordination request lifecycle', () => {
  for (const [from, to, reasonRequired] of COORDINATION_STEPS) {
    test(`${from} → ${to}${reasonRequired ? ' with a reason' : ''}`, () => {
      assert.equal(coordinationTransition(from, to, { reason: 'outside our constituency' }), to);
      if (reasonRequired) {
        assertInvalid(() => coordinationTransition(from, to), 'reason', `is required to go from ${from} to ${to}`);
      } else {
        assert.equal(coordinationTransition(from, to, {}), to);
      }
    });
  }

  for (const [from, to] of FORBIDDEN_COORDINATION_STEPS) {
    test(`${from} ↛ ${to}`, () => {
      assertInvalid(() => coordinationTransition(from, to, { reason: 'because' }), 'status', `cannot go from ${from} to ${to}`);
    });
  }

  test('the table holds exactly the allowed steps; declined and completed are final', () => {
    const tabled = COORDINATION_STATUSES.flatMap((from) =>
      nextCoordinationStatuses(from).map((s) => [from, s.to, s.reasonRequired === true]),
    );
    assert.deepEqual(new Set(tabled.map((s) => JSON.stringify(s))), new Set(COORDINATION_STEPS.map((s) => JSON.stringify(s))));
    assert.deepEqual(Object.keys(COORDINATION_LIFECYCLE), [...COORDINATION_STATUSES]);
    assert.deepEqual(nextCoordinationStatuses('declined'), []);
    assert.deepEqual(nextCoordinationStatuses('completed'), []);
  });
});
