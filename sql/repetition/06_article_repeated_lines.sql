insert into article_repeated_lines by name
with

-- The articles of the sources whose articles changed (changed_articles.sql); the others' rows stay as they are.
sources as (
    select article_id, source_key from changed_articles
),

-- Run once per part of the articles (flows/warehouse.py): cutting the text holds the bodies of the part's articles,
-- and all of a 200k-article warehouse's bodies did not fit in 512 MB.
part_articles as (
    select article_id from articles
    where rowid >= $first_row and rowid < $end_row
),

-- Each line with its article's source, before it meets the repeated lines: materialized so that the optimizer cannot
-- join `repeated` to `sources` first. On source_key alone that join pairs every repeated line of a source with every
-- article of it: 7,501 lines by 3,030 articles of one folder (tests/test_warehouse.py) ran out of 128 MB, and 54k
-- lines by 20k articles out of 2 GB.
lines as materialized (
    select
        article_lines.article_id,
        article_lines.line_no,
        article_lines.start_char,
        article_lines.line_chars,
        article_lines.line_hash,
        sources.source_key,
    from article_lines
    semi join part_articles using (article_id)
    inner join sources using (article_id)
),

repeated as (
    select source_key, line_hash from repeated_lines
),

matched as (
    select
        lines.article_id,
        lines.line_no,
        lines.start_char,
        lines.line_chars,
        lines.source_key,
    from lines
    inner join repeated using (source_key, line_hash)
),

-- An article made only of its source's repeated lines is a stub or a copy, not a body with a template around it:
-- it keeps its text rather than be emptied.
line_counts as (
    select article_id, count(*) as line_count from lines group by article_id
),

matched_counts as (
    select article_id, count(*) as matched_count from matched group by article_id
),

kept as (
    select
        matched.article_id,
        matched.line_no,
        matched.start_char,
        matched.line_chars,
        matched.source_key,
    from matched
    inner join matched_counts using (article_id)
    inner join line_counts using (article_id)
    where matched_counts.matched_count < line_counts.line_count
),

-- The bodies are read here only, for the lines kept, and not in a CTE the other steps read too: with the bodies in
-- `part_articles`, the plan held them twice over, and adding 300 articles to a 200k-article warehouse ran out of 128
-- MB here.
bodies as (
    select article_id, body_clean from articles
    where rowid >= $first_row and rowid < $end_row
),

final as (
    select
        kept.article_id,
        kept.line_no,
        kept.start_char,
        kept.line_chars,
        substring(bodies.body_clean, kept.start_char + 1, kept.line_chars) as text,
        kept.source_key,
        $reason as reason,
    from kept
    inner join bodies using (article_id)
)

select * from final
