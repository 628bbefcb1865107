-- A mention's offsets point at its surface in the stored clean body (0-based, end exclusive).
-- Run once per part of the articles (flows/warehouse.py): the join holds the bodies of the part's articles.
with

bodies as (
    select article_id, body_clean from articles
    where rowid >= $first_row and rowid < $end_row
),

mentions as (
    select article_id, start_char, end_char, surface from entity_mentions
    semi join bodies using (article_id)
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
