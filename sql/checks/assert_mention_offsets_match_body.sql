-- A mention's offsets point at its surface in the stored clean body (0-based, end exclusive).
-- Run once per part of the articles (flows/warehouse.py): the join holds the bodies of the part's articles.
with

part_articles as (
    select article_id from articles
    where rowid >= $first_row and rowid < $end_row
),

mentions as (
    select article_id, start_char, end_char, surface from entity_mentions
    semi join part_articles using (article_id)
),

-- The bodies are read here only, as in assert_repeated_lines_match_body.sql: in a CTE the semi join above reads
-- too, DuckDB keeps them all through the query.
bodies as (
    select article_id, body_clean from articles
    where rowid >= $first_row and rowid < $end_row
),

final as (
    select
        mentions.article_id,
        mentions.start_char,
        mentions.end_char,
        mentions.surface,
    from mentions
    inner join bodies using (article_id)
    where mentions.start_char < 0
        or mentions.end_char <= mentions.start_char
        or substring(bodies.body_clean, mentions.start_char + 1, mentions.end_char - mentions.start_char) <> mentions.surface
)

select * from final
