"""Measure (and fit) the written-answer check on SQuAD dev-a.

For each question (one per paragraph, the first whose answer sentence is found):
  faithful    the gold answer sentence as it is; a light paraphrase of it (a
              leading phrase moved to the end, a clause without the answer dropped,
              common words swapped for synonyms, parentheses dropped), answer kept;
              when the sentence has several clauses, the one holding the answer as a
              sentence of its own; and, for questions shaped "Who/What/Which … VERB
              …?", the question restated with its answer ("Von Miller was the MVP."),
              worded as the question is, not as the source
  unfaithful  the gold sentence with its answer swapped for another number or name
              of the same type from the article ("swap"; only for answers that are a
              number or a name); and a sentence from another paragraph of the same
              article ("other")
each cited [1] to the gold paragraph. The check's features are computed once; the
thresholds (similarity, coverage) are then chosen on the fit half (articles with an
even index): of the pairs rejecting >= 0.95 of the unfaithful sentences (>= 0.99 of
those from another paragraph) and keeping >= 0.90 of the gold sentences, paraphrases
and clauses, the one keeping the most restated questions (see fit()); reported on
both halves.

    python bench/checker.py --limit 600
    python bench/checker.py --limit 600 --model-url http://127.0.0.1:8080/v1 --model-questions 40

With --model-url, a model writes answers to the first questions from the gold
paragraph and two others of its article; reported: sentences written, kept, answers
with a kept sentence, seconds per answer.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, SQUAD  # noqa: E402

SYNONYMS = {
    "began": "started", "begin": "start", "begins": "starts", "started": "began", "start": "begin",
    "ended": "finished", "large": "big", "largest": "biggest", "small": "little", "many": "numerous",
    "several": "a number of", "however": "but", "although": "though", "because": "since",
    "including": "such as", "called": "named", "named": "called", "located": "situated", "built": "constructed",
    "established": "founded", "founded": "established", "received": "got", "used": "employed", "uses": "employs",
    "use": "employ", "important": "significant", "main": "principal", "approximately": "about",
    "around": "about", "about": "roughly", "created": "made", "made": "produced", "produced": "made",
    "known": "recognised", "often": "frequently", "usually": "generally", "also": "as well", "very": "highly",
    "major": "key", "first": "earliest", "later": "afterwards", "shows": "indicates", "showed": "indicated",
    "according to": "as stated by", "in order to": "to", "due to": "because of", "larger": "bigger",
    "consists of": "is made up of", "contains": "holds", "includes": "comprises", "included": "comprised",
    "allowed": "permitted", "allow": "permit", "needed": "required", "need": "require", "help": "assist",
    "helped": "assisted", "took place": "happened", "held": "hosted", "won": "took", "lost": "was beaten in",
}
_LEAD = re.compile(r"^(In|On|During|After|Before|By|At|Since|Following|Under|From)\s+([^,]{3,60}),\s+(.+?)([.!?])$")
_TRAIL = re.compile(r",\s+(?:which|who|while|and|but|where|although|whereas)\b[^,]*?(?=[.!?]$)")


def _case_like(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def paraphrase(sentence: str, answer: str) -> str:
    """A light, meaning-keeping rewrite of ``sentence`` that keeps ``answer`` verbatim."""
    hold = "\u0000"
    s = sentence.replace(answer, hold, 1)
    # Quoted strings are kept word for word, as a writer quoting the source would.
    quotes = re.findall(r"\"[^\"]*\"|“[^”]*”", s)
    for i, q in enumerate(quotes):
        s = s.replace(q, f"\u0001{i}\u0001", 1)
    s = re.sub(r"\s*\([^()]*\)", "", s) if hold not in "".join(re.findall(r"\([^()]*\)", s)) else s
    m = _LEAD.match(s)
    if m:
        body = m.group(3)
        body = body[:1].upper() + body[1:]
        s = f"{body} {m.group(1).lower()} {m.group(2)}{m.group(4)}"
    for t in _TRAIL.finditer(s):
        if hold not in t.group(0):
            s = s[: t.start()] + s[t.end():]
            break
    for a, b in SYNONYMS.items():
        s = re.sub(rf"\b{a}\b", lambda w: _case_like(b, w.group(0)), s, count=1, flags=re.I)
    for i, q in enumerate(quotes):
        s = s.replace(f"\u0001{i}\u0001", q, 1)
    s = re.sub(r"\.\.$", ".", s)  # "in the U.S." keeps its own full stop
    return " ".join(s.replace(hold, answer).split())


_NUM = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'\-]+(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w'\-]+)*")


def clause(sentence: str, answer: str) -> str | None:
    """The clause of ``sentence`` holding ``answer`` (cut at , ; : dashes), as a
    sentence of its own: the short restatement a model often writes. None when it
    is the whole sentence or under four words."""
    at = sentence.find(answer)
    cuts = [0] + [m.end() for m in re.finditer(r"[,;:\u2013\u2014]\s*", sentence)] + [len(sentence) + 1]
    for a, b in zip(cuts, cuts[1:]):
        if a <= at and at + len(answer) <= b - 1:
            part = sentence[a:b - 1].strip(" ,;:\u2013\u2014.")
            if part == sentence.strip(" .") or len(part.split()) < 4:
                return None
            return part[:1].upper() + part[1:] + "."
    return None


_QUESTION = re.compile(r"^(?:Who|What|Which(?:\s+[\w'-]+){0,3}?)\s+(was|is|were|are|has|had|won|became|\w+ed)\s+(.+?)\s*\?*$")


def restated(question: str, answer: str) -> str | None:
    """The question turned into the statement a model would write: "Who was the MVP?"
    + "Von Miller" -> "Von Miller was the MVP." Only for questions of the forms
    "Who/What/Which … VERB …?" with a copula or a past-tense verb; else None."""
    m = _QUESTION.match(question.strip())
    if not m:
        return None
    return f"{answer[:1].upper()}{answer[1:]} {m.group(1)} {m.group(2).rstrip('.')}."


def _pick(pool: set[str], paragraph: str, rng: random.Random) -> str | None:
    """A replacement, half the time from the gold paragraph itself when it has one:
    those are the hard cases, the name or number being in the cited text."""
    if not pool:
        return None
    near = sorted(x for x in pool if x in paragraph)
    if near and rng.random() < 0.5:
        return rng.choice(near)
    return rng.choice(sorted(pool))


def swap(sentence: str, answer: str, article: str, paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    """``sentence`` with ``answer`` replaced by another number or name of the same
    type from ``article``: (new sentence, replacement), or None when the answer is
    neither or no replacement exists. A number is replaced by one with as many digits
    (a year by a year); a name by a capitalised phrase sharing none of its words and
    of about its length (no entity typing: a person may become a place)."""
    nums = _NUM.findall(answer)
    if nums:
        n = nums[0]
        digits = len(re.sub(r"\D", "", n))
        pool = {x for x in _NUM.findall(article)
                if x.replace(",", "") != n.replace(",", "") and len(re.sub(r"\D", "", x)) == digits}
        new = _pick(pool, paragraph, rng)
        return None if new is None else (sentence.replace(answer, answer.replace(n, new, 1), 1), new)
    if answer[:1].isupper():
        tokens = set(answer.lower().split())
        k = len(answer.split())
        pool = {x for x in _NAME.findall(article)
                if not tokens & set(x.lower().split()) and abs(len(x.split()) - k) <= 2}
        new = _pick(pool, paragraph, rng)
        return None if new is None else (sentence.replace(answer, new, 1), new)
    return None


def build(limit: int, seed: int = 13) -> list[dict]:
    from index.sentences import split_sentences

    rng = random.Random(seed)
    data = json.loads(SQUAD.read_text())["data"]
    items = []
    per_article = {}
    for ai, art in enumerate(data):
        paras = [p["context"] for p in art["paragraphs"]]
        text = "\n".join(paras)
        for pi, p in enumerate(art["paragraphs"]):
            ctx = p["context"]
            spans = split_sentences(ctx)
            for qa in p["qas"]:
                ans = qa["answers"][0]
                a0, atext = ans["answer_start"], ans["text"]
                sent = next(((s, e) for s, e in spans if s <= a0 and a0 + len(atext) <= e), None)
                if sent is None or ctx[a0:a0 + len(atext)] != atext:
                    continue
                gold = ctx[sent[0]:sent[1]]
                others = [j for j in range(len(paras)) if j != pi]
                other_sents = [paras[j][s:e] for j in others for s, e in split_sentences(paras[j])
                               if len(paras[j][s:e].split()) >= 6]
                sw = swap(gold, atext, text, ctx, rng)
                item = {
                    "article": ai, "q": qa["question"], "answer": atext, "context": ctx,
                    "faithful": {"gold": gold, "paraphrase": paraphrase(gold, atext)},
                    # the clause holding the answer, when the sentence has several
                    **({"clause": cl} if (cl := clause(gold, atext)) else {}),
                    **({"restated": st} if (st := restated(qa["question"], atext)) else {}),
                    "unfaithful": {"other": rng.choice(other_sents)} if other_sents else {},
                    "swap_in_paragraph": None,
                }
                for kind in ("clause", "restated"):
                    if kind in item:
                        item["faithful"][kind] = item.pop(kind)
                if sw is not None:
                    item["unfaithful"]["swap"] = sw[0]
                    item["swap_in_paragraph"] = sw[1].lower() in ctx.lower()
                items.append(item)
                per_article[ai] = per_article.get(ai, 0) + 1
                break  # one question per paragraph
        if len(items) >= limit:
            break
    return items[:limit]


def features(items: list[dict], embed) -> None:
    """Run the check with no thresholds; keep what the thresholds are applied to."""
    from index.answer.check import check

    for it in items:
        it["features"] = {}
        for side in ("faithful", "unfaithful"):
            for kind, sentence in it[side].items():
                (c,) = check(sentence + " [1]", [it["context"]], embed, min_similarity=-1.0, min_coverage=0.0,
                             question=it["q"])
                it["features"][f"{side}:{kind}"] = {"sim": c.similarity, "cov": c.coverage, "ok": c.supported,
                                                     "why": c.why}


def kept(f: dict, sim: float, cov: float) -> bool:
    return f["ok"] and f["sim"] >= sim and f["cov"] >= cov


def rates(items: list[dict], sim: float, cov: float) -> dict:
    out: dict = {}
    for it in items:
        for key, f in it["features"].items():
            side, kind = key.split(":")
            keep = kept(f, sim, cov)
            good = keep if side == "faithful" else not keep
            bucket = out.setdefault(f"{'kept' if side == 'faithful' else 'rejected'} {kind}", [0, 0])
            bucket[0] += good
            bucket[1] += 1
            if kind == "swap":
                sub = out.setdefault(f"rejected swap, {'same' if it['swap_in_paragraph'] else 'other'}-paragraph "
                                     "replacement", [0, 0])
                sub[0] += good
                sub[1] += 1
    return {k: (round(a / b, 3), b) for k, (a, b) in sorted(out.items())}


def _rejected(items: list[dict], sim: float, cov: float, kinds=("other", "swap")) -> float:
    unf = [it["features"][f"unfaithful:{k}"] for it in items for k in kinds if f"unfaithful:{k}" in it["features"]]
    return sum(not kept(f, sim, cov) for f in unf) / len(unf)


def fit(items: list[dict], keep: float = 0.90, reject: float = 0.95, unrelated: float = 0.99) -> tuple[float, float]:
    """The thresholds (similarity, coverage) keeping the most restated sentences (the
    kind closest to what a model writes) among the pairs that reject >= ``reject`` of
    the unfaithful sentences and >= ``unrelated`` of those from another paragraph,
    and keep >= ``keep`` of the gold sentences, paraphrases and clauses; ties go to
    the looser pair."""
    best = None
    for s100 in range(20, 96):
        for c100 in range(20, 101, 5):
            sim, cov = s100 / 100, c100 / 100
            r = rates(items, sim, cov)
            if (min(v[0] for k, v in r.items() if k.startswith("kept") and k != "kept restated") < keep
                    or _rejected(items, sim, cov) < reject or _rejected(items, sim, cov, ("other",)) < unrelated):
                continue
            score = r.get("kept restated", (0.0, 0))[0]
            if best is None or score > best[0]:
                best = (score, sim, cov)
    if best is None:
        raise SystemExit("no thresholds meet the targets on the fit half")
    return best[1], best[2]


def with_model(items: list[dict], url: str, n: int, model: str, timeout: float, embed) -> dict:
    """Written answers by the model at ``url`` from the gold paragraph and two others."""
    from index.answer.check import check
    from index.answer.written import MAX_TOKENS, prompt
    from index.llm import LLMConfig, LLMFailed, stream_chat
    from index.search import Hit

    data = json.loads(SQUAD.read_text())["data"]
    config = LLMConfig(url, model, None, timeout)
    written = kept_n = answered = failed = 0
    seconds, examples = [], []
    for it in items[:n]:
        paras = [p["context"] for p in data[it["article"]]["paragraphs"] if p["context"] != it["context"]][:2]
        texts = [it["context"], *paras]
        hits = [Hit(str(i), f"para-{i}.txt", None, 0, len(t), t, 0.0, 0.0, 0.0) for i, t in enumerate(texts)]
        t0 = time.perf_counter()
        try:
            draft = "".join(stream_chat(config, prompt(it["q"], hits), max_tokens=MAX_TOKENS))
        except LLMFailed as e:
            failed += 1
            examples.append({"q": it["q"], "error": str(e)})
            continue
        seconds.append(time.perf_counter() - t0)
        claims = check(draft, hits, embed, question=it["q"])
        written += len(claims)
        kept_here = sum(c.supported for c in claims)
        kept_n += kept_here
        answered += kept_here > 0
        examples.append({"q": it["q"], "gold": it["answer"], "draft": draft,
                         "claims": [(c.text, c.supported, c.why) for c in claims]})
    seconds.sort()
    return {"questions": n, "failed": failed, "sentences_written": written, "sentences_kept": kept_n,
            "answers_with_a_kept_sentence": answered,
            "seconds_per_answer_median": round(seconds[len(seconds) // 2], 2) if seconds else None,
            "examples": examples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=600)
    ap.add_argument("--model-url")
    ap.add_argument("--model", default="default")
    ap.add_argument("--model-questions", type=int, default=40)
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()

    from index.answer import check as checker
    from index.embedding import load_embedder
    from index.settings import Settings

    embedder = load_embedder(Settings().cache_dir, "onnx")
    t = time.perf_counter()
    items = build(args.limit)
    features(items, embedder.embed)
    OUT.mkdir(exist_ok=True)
    (OUT / "checker-items.json").write_text(json.dumps(items, indent=1, ensure_ascii=False))
    fit_half = [it for it in items if it["article"] % 2 == 0]
    held_out = [it for it in items if it["article"] % 2 == 1]
    sim, cov = fit(fit_half)
    current = (checker.MIN_SIMILARITY, checker.MIN_COVERAGE)
    report = {
        "questions": len(items), "fit": len(fit_half), "held_out": len(held_out),
        "paraphrase_changed": round(sum(it["faithful"]["paraphrase"] != it["faithful"]["gold"] for it in items)
                                    / len(items), 3),
        "fitted": {"min_similarity": sim, "min_coverage": cov},
        "fitted_on_fit": rates(fit_half, sim, cov),
        "fitted_on_held_out": rates(held_out, sim, cov),
        "module": {"min_similarity": current[0], "min_coverage": current[1]},
        "module_on_all": rates(items, *current),
        "facts_only_on_all": rates(items, -1.0, 0.0),
        "unfaithful_rejected_pooled": {"fit": round(_rejected(fit_half, sim, cov), 3),
                                       "held_out": round(_rejected(held_out, sim, cov), 3),
                                       "module_all": round(_rejected(items, *current), 3)},
        "seconds": round(time.perf_counter() - t, 1),
    }
    if args.model_url:
        report["model"] = with_model(items, args.model_url, args.model_questions, args.model, args.timeout,
                                     embedder.embed)
    OUT.mkdir(exist_ok=True)
    (OUT / "checker.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    (OUT / "checker-items.json").write_text(json.dumps(items, indent=1, ensure_ascii=False))
    shown = {k: v for k, v in report.items() if k != "model"}
    if "model" in report:
        shown["model"] = {k: v for k, v in report["model"].items() if k != "examples"}
    print(json.dumps(shown, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
