create or replace view entity_mentions_by_day as
with

mentions as (
    select article_id, entity_id from entity_mentions
),

articles as (
    select article_id, ingested_at from articles
),

entities as (
    select entity_id, canonical_name, entity_type from entities
),

daily as (
    select
        cast(articles.ingested_at as date) as ingested_on,
        mentions.entity_id,
        count(*) as mention_count,
        count(distinct mentions.article_id) as article_count,
    from mentions
    inner join articles using (article_id)
    group by cast(articles.ingested_at as date), mentions.entity_id
),

final as (
    select
        daily.ingested_on,
        entities.canonical_name,
        entities.entity_type,
        daily.mention_count,
        daily.article_count,
    from daily
    inner join entities using (entity_id)
)

select * from final
order by ingested_on desc, mention_count desc, canonical_name
