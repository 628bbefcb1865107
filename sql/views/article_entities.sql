create or replace view article_entities as
with

mentions as (
    select article_id, entity_id from entity_mentions
),

entities as (
    select entity_id, canonical_name, entity_type from entities
),

final as (
    select
        mentions.article_id,
        mentions.entity_id,
        entities.canonical_name,
        entities.entity_type,
        count(*) as mention_count,
    from mentions
    inner join entities using (entity_id)
    group by mentions.article_id, mentions.entity_id, entities.canonical_name, entities.entity_type
)

select * from final
