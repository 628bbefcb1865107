-- Lines, headlines and mentions always belong to a loaded article.
with

orphan_removed_lines as (
    select 'removed_lines' as child_table, article_id from removed_lines anti join articles using (article_id)
),

orphan_related_headlines as (
    select 'related_headlines' as child_table, article_id from related_headlines anti join articles using (article_id)
),

orphan_entity_mentions as (
    select 'entity_mentions' as child_table, article_id from entity_mentions anti join articles using (article_id)
),

orphan_article_lines as (
    select 'article_lines' as child_table, article_id from article_lines anti join articles using (article_id)
),

orphan_article_repeated_lines as (
    select 'article_repeated_lines' as child_table, article_id from article_repeated_lines anti join articles using (article_id)
),

final as (
    select * from orphan_removed_lines
    union all
    select * from orphan_related_headlines
    union all
    select * from orphan_entity_mentions
    union all
    select * from orphan_article_lines
    union all
    select * from orphan_article_repeated_lines
)

select * from final
