// The queue's filters outlive the queue screen, so that opening an item and coming back finds the same list.

class QueueFilter {
  q = $state('');
  status = $state('pending');
  minScore = $state<number | null>(null);
  maxScore = $state<number | null>(null);
  criterion = $state('');
  minPoints = $state<number | null>(null);
  maxPoints = $state<number | null>(null);
  rule = $state('');
  batch = $state('');
  reviewer = $state('');
  changed = $state(false);
  sort = $state('-score');
  offset = $state(0);

  clear() {
    this.q = this.criterion = this.rule = this.batch = this.reviewer = '';
    this.status = '';
    this.minScore = this.maxScore = this.minPoints = this.maxPoints = null;
    this.changed = false;
    this.sort = '-score';
    this.offset = 0;
  }
}

export const queueFilter = new QueueFilter();
