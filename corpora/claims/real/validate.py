#!/usr/bin/env python3
"""Check corpora/claims/real/claims.jsonl (stdlib only).

Checks: JSON and keys, unique ids, section / metric / status sets, claim text is a
substring of the sentence, expected_status only on table-backed metrics of whole
reports, the sentence is found in its source file after whitespace normalisation
(all whitespace removed on both sides), and prints counts per metric.

Source text: .txt read directly; .html via html.parser; .pdf via pypdfium2 if it is
importable, else the `pdftotext` command; if neither is available PDF sentences are
reported as skipped (not failed).
"""
import json, os, re, subprocess, sys
from collections import Counter
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get('GXNLP_CORPUS', '/work/shared/corpus')
METRICS = {'active_disclosure_total', 'active_disclosure_channel', 'active_disclosure_category',
           'requests_received', 'requests_completed', 'requests_carried_in', 'requests_carried_over',
           'request_outcome', 'admin_review', 'admin_litigation', 'penalty', 'licensing', 'coercion',
           'fee', 'cumulative', 'other'}
SECTIONS = {'overview', 'active_disclosure', 'requests', 'review_litigation', 'problems', 'other'}
STATUSES = {None, 'consistent', 'inconsistent', 'no_counterpart'}
STATUS_METRICS = {'requests_received', 'requests_completed', 'requests_carried_in',
                  'requests_carried_over', 'request_outcome', 'admin_review', 'admin_litigation',
                  'penalty', 'licensing', 'coercion'}
OUTCOMES = {'granted', 'partially_granted', 'denied', 'unavailable', 'unavailable_not_held',
            'rejected', 'other', 'granted+partially_granted'}
SENT_KEYS = {'id', 'source', 'doc', 'section', 'text', 'claims'}
CLAIM_KEYS = {'text', 'metric', 'value', 'unit', 'approx', 'qualifier', 'expected_status'}
APPROX = re.compile(r'余|餘|多|近|约|約|左右|超过|超過|以上|突破|逾')
WS = re.compile(r'\s+')


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'style'):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ('script', 'style') and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def pdf_text(path):
    try:
        import pypdfium2 as pdfium  # optional, not stdlib
        doc = pdfium.PdfDocument(path)
        return '\n'.join(p.get_textpage().get_text_range() for p in doc)
    except ImportError:
        pass
    try:
        return subprocess.run(['pdftotext', '-layout', path, '-'], capture_output=True,
                              text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


_cache = {}


def source_text(source):
    if source in _cache:
        return _cache[source]
    path = os.path.join(CORPUS, source)
    if not os.path.exists(path):
        _cache[source] = False
        return False
    if path.endswith('.pdf'):
        t = pdf_text(path)
    elif path.endswith('.html'):
        p = _Text()
        p.feed(open(path, encoding='utf-8', errors='replace').read())
        t = ''.join(p.parts)
    else:
        t = open(path, encoding='utf-8').read()
    if t is not None:
        t = '\n'.join(l for l in t.splitlines() if not re.fullmatch(r'\s*-\s*\d+\s*-\s*', l))
        t = WS.sub('', t)
    _cache[source] = t
    return t


def main(fn=os.path.join(HERE, 'claims.jsonl')):
    errors, warnings, skipped = [], [], 0
    ids = set()
    metric_counts, status_counts = Counter(), Counter()
    n_sent = n_claims = n_empty = n_open = n_real = 0
    for ln, line in enumerate(open(fn, encoding='utf-8'), 1):
        where = 'line %d' % ln
        try:
            o = json.loads(line)
        except ValueError as e:
            errors.append('%s: bad JSON (%s)' % (where, e)); continue
        if set(o) != SENT_KEYS:
            errors.append('%s: keys %s' % (where, sorted(set(o) ^ SENT_KEYS)))
            continue
        where = o['id']
        if o['id'] in ids:
            errors.append('%s: duplicate id' % where)
        ids.add(o['id'])
        if o['section'] not in SECTIONS:
            errors.append('%s: section %r' % (where, o['section']))
        stem = os.path.splitext(os.path.basename(o['source']))[0]
        if o['doc'] != stem:
            errors.append('%s: doc %r != file stem %r' % (where, o['doc'], stem))
        whole = o['source'].startswith('real/')
        src = source_text(o['source'])
        if src is False:
            errors.append('%s: source not found %s' % (where, o['source']))
        elif src is None:
            skipped += 1
        elif WS.sub('', o['text']) not in src:
            errors.append('%s: sentence not found in %s' % (where, o['source']))
        n_sent += 1
        if not o['claims']:
            n_empty += 1
        pos = 0
        for c in o['claims']:
            n_claims += 1
            n_real += whole
            n_open += not whole
            ks = set(c) - {'note'}
            if ks != CLAIM_KEYS:
                errors.append('%s: claim keys %s' % (where, sorted(ks ^ CLAIM_KEYS))); continue
            if c['metric'] not in METRICS:
                errors.append('%s: metric %r' % (where, c['metric']))
            metric_counts[c['metric']] += 1
            if c['text'] not in o['text']:
                errors.append('%s: claim text not in sentence: %r' % (where, c['text']))
            else:
                i = o['text'].find(c['text'], pos)
                if i < 0:
                    warnings.append('%s: claim out of order: %r' % (where, c['text']))
                else:
                    pos = i
            if not isinstance(c['value'], (int, float)) or isinstance(c['value'], bool):
                errors.append('%s: value %r' % (where, c['value']))
            if not isinstance(c['approx'], bool):
                errors.append('%s: approx %r' % (where, c['approx']))
            if not c['unit'] or not isinstance(c['unit'], str):
                errors.append('%s: unit %r' % (where, c['unit']))
            if c['metric'] == 'request_outcome' and c['qualifier'] not in OUTCOMES:
                errors.append('%s: outcome qualifier %r' % (where, c['qualifier']))
            st = c['expected_status']
            if st not in STATUSES:
                errors.append('%s: status %r' % (where, st))
            if st is not None and (not whole or c['metric'] not in STATUS_METRICS):
                errors.append('%s: expected_status set outside whole-report table metrics' % where)
            if st in ('inconsistent', 'no_counterpart') and not c.get('note'):
                errors.append('%s: %s claim needs a note' % (where, st))
            status_counts[st] += 1
            has_approx_word = bool(APPROX.search(c['text']))
            if c['approx'] and not has_approx_word:
                warnings.append('%s: approx true but no approximation word in %r' % (where, c['text']))
    for w in warnings:
        print('WARN', w)
    for e in errors:
        print('ERROR', e)
    print('sentences %d (without claims %d), claims %d (openings %d, whole reports %d)'
          % (n_sent, n_empty, n_claims, n_open, n_real))
    print('expected_status: ' + ', '.join('%s %d' % (k, v) for k, v in
                                          sorted(status_counts.items(), key=lambda kv: str(kv[0]))))
    print('claims per metric:')
    for m, n in metric_counts.most_common():
        print('  %-28s %d' % (m, n))
    if skipped:
        print('skipped %d PDF sentences (no PDF text extractor available)' % skipped)
    print('OK' if not errors else '%d errors' % len(errors))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
