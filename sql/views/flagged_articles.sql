-- Articles whose clean body raised a quality flag (transforms/quality.py): kept in the warehouse, listed here so a
-- reader can leave them out or look at them.
create or replace view flagged_articles as
with

articles as (
    select article_id, source_uri, title, language, word_count, char_count, quality_flags, body_clean from articles
),

final as (
    select
        article_id,
        source_uri,
        title,
        language,
        word_count,
        char_count,
        quality_flags,
        left(body_clean, 120) as body_start,
    from articles
    where len(quality_flags) > 0
)

select * from final
order by source_uri, article_id
