import { describe, expect, it } from 'vitest';

import type { AvailableDocument } from '../api/documents';
import { generatable, shortHash } from './documents';

const entry = (template: string, taskId: string): AvailableDocument => ({
  template,
  title: template === 'mediation_agreement' ? '人民调解协议书' : '回访记录',
  format: 'docx',
  audience: 'parties',
  description: '',
  task_id: taskId,
  task_title: '调解',
  task_state: 'completed',
});

describe('the documents a page offers to generate', () => {
  // newest task first, as the server lists them: a second attempt at mediation, then the first
  const available = [entry('mediation_agreement', 't2'), entry('follow_up_record', 't3'), entry('mediation_agreement', 't1')];

  it('offers each template once, for its newest task', () => {
    expect(generatable(available).map((e) => [e.template, e.task_id])).toEqual([
      ['mediation_agreement', 't2'],
      ['follow_up_record', 't3'],
    ]);
  });

  it("offers a task page only its own step's documents", () => {
    expect(generatable(available, 't1').map((e) => e.task_id)).toEqual(['t1']);
    expect(generatable(available, 'other')).toEqual([]);
  });

  it('shows enough of a SHA-256 to compare a printout with the record', () => {
    expect(shortHash('9e0a98f0721afa6709768e6ecaa14d5903fb6a3ed1e98efda4ad568f5e700e50')).toBe('9e0a98f0721a');
  });
});
