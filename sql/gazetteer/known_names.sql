-- The names the gazetteer looks for: every way a model-found entity was written, with its key and the type most
-- of its model-found mentions have (ties alphabetical). Gazetteer mentions are left out, so what the gazetteer
-- finds never feeds the gazetteer; mentions count under the entity their own article gave them (not the
-- cross-article links, which the gazetteer's mentions help build).
with

model_mentions as (
    select article_entity_id as entity_id, surface, entity_type from entity_mentions
    where method <> 'gazetteer'
),

type_votes as (
    select entity_id, entity_type, count(*) as mention_count,
    from model_mentions
    group by entity_id, entity_type
),

types as (
    select entity_id, first(entity_type order by mention_count desc, entity_type asc) as entity_type,
    from type_votes
    group by entity_id
),

final as (
    select distinct
        model_mentions.entity_id,
        entity_keys.entity_key,
        model_mentions.surface,
        types.entity_type,
    from model_mentions
    inner join entity_keys using (entity_id)
    inner join types using (entity_id)
)

select * from final
order by entity_id, surface
