create or replace view top_entities_by_language as
with

mentions as (
    select article_id, entity_id from entity_mentions
),

articles as (
    select article_id, language from articles
),

entities as (
    select entity_id, canonical_name, entity_type from entities
),

counts as (
    select
        articles.language,
        mentions.entity_id,
        count(*) as mention_count,
        count(distinct mentions.article_id) as article_count,
    from mentions
    inner join articles using (article_id)
    group by articles.language, mentions.entity_id
),

final as (
    select
        counts.language,
        row_number() over (partition by counts.language order by counts.mention_count desc, entities.canonical_name) as language_rank,
        entities.canonical_name,
        entities.entity_type,
        counts.mention_count,
        counts.article_count,
    from counts
    inner join entities using (entity_id)
)

select * from final
order by language, language_rank
