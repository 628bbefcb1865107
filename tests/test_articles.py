import polars as pl

from transforms.articles import prepare_articles, prepare_batches

BODY = "The council met on Tuesday and agreed the new budget after a long debate about the city's roads."
OTHER = "Floods closed the coastal road for a second day, and the ferry ran an extra crossing each morning."
THIRD = "The museum opened its new wing to visitors on Saturday after three years of building work."


def docs(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"source_uri": [uri for uri, _ in rows], "text": [text for _, text in rows], "source_encoding": ["utf-8"] * len(rows)}
    )


def test_batches_cleaned_together_give_what_each_gives_alone_less_the_earlier_batches_articles():
    first = docs(("a.txt", f"Budget agreed\n{BODY}\nRELATED NEWS : Roads to be repaired"), ("b.txt", f"Floods\n{OTHER}"))
    # c.txt is a.txt's content again: the first batch's article.
    second = docs(("c.txt", f"Budget agreed\n{BODY}\nRELATED NEWS : Roads to be repaired"), ("d.txt", f"Museum\n{THIRD}"))
    alone = [prepare_articles(first), prepare_articles(second)]
    together = prepare_batches([first, second])

    shared_id = alone[0].articles["article_id"][0]
    assert alone[1].articles["article_id"][0] == shared_id
    assert together[0].articles.equals(alone[0].articles)
    assert together[0].removed_lines.equals(alone[0].removed_lines)
    assert together[0].related_headlines["headline"].to_list() == ["Roads to be repaired"]
    assert together[0].sources.equals(alone[0].sources)
    # The second batch keeps its new article and both its documents, the copy credited to the first's article.
    assert together[1].articles.equals(alone[1].articles.slice(1))
    assert together[1].articles["source_uri"].to_list() == ["d.txt"]
    assert together[1].removed_lines.height == 0
    assert together[1].related_headlines.height == 0
    assert together[1].sources.equals(alone[1].sources)
    assert together[1].sources.rows() == [(shared_id, "c.txt"), (alone[1].articles["article_id"][1], "d.txt")]


def test_one_batch_is_prepared_as_alone():
    batch = docs(("a.txt", f"Budget agreed\n{BODY}"))
    (prepared,) = prepare_batches([batch])
    assert prepared.articles.equals(prepare_articles(batch).articles)
