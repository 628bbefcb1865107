insert into repeated_lines by name
with

-- The articles of the sources whose articles changed (changed_articles.sql); the others' rows stay as they are.
sources as (
    select article_id, source_key from changed_articles
),

articles as (
    select article_id, body_clean from articles
),

-- Only lines within the length limit were given a hash (02_article_lines.sql). Run once per part
-- (flows/warehouse.py), a part here being the lines whose hash falls in it, not an article's lines: a line's
-- count needs every article that has it. Cutting the texts of a 200k-article warehouse's 480k repeated lines at
-- once did not fit in 128 MB.
candidate_lines as (
    select article_id, line_no, start_char, line_chars, line_hash from article_lines
    where line_hash is not null and line_hash % $parts = $part
),

-- Materialized, so that the optimizer cannot join the sources to the repeated lines on the source alone, which pairs
-- every line of a source with every article of it (see 06_article_repeated_lines.sql).
sourced as materialized (
    select
        sources.source_key,
        candidate_lines.line_hash,
        candidate_lines.article_id,
        candidate_lines.start_char,
        candidate_lines.line_chars,
    from candidate_lines
    inner join sources using (article_id)
),

-- Counted on hashes and ids alone; the text is cut out of the bodies afterwards, for the few lines that repeat.
-- Cutting it for every line first held every body in the pass: a 200k-article run ran out of 256 MB here.
repeated as (
    select
        source_key,
        line_hash,
        count(distinct article_id) as article_count,
    from sourced
    group by source_key, line_hash
    having count(distinct article_id) >= $min_articles
),

texts as (
    select
        sourced.source_key,
        sourced.line_hash,
        min(substring(articles.body_clean, sourced.start_char + 1, sourced.line_chars)) as line_text,
    from sourced
    inner join repeated using (source_key, line_hash)
    inner join articles using (article_id)
    group by sourced.source_key, sourced.line_hash
),

final as (
    select
        repeated.source_key,
        repeated.line_hash,
        texts.line_text,
        repeated.article_count,
    from repeated
    inner join texts using (source_key, line_hash)
)

select * from final
