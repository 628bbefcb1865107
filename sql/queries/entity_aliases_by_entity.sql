-- Every way each entity was written, most mentioned entities first.
with

entities as (
    select entity_id, canonical_name, entity_type, mention_count from entities
),

aliases as (
    select entity_id, surface, mention_count from entity_aliases
),

final as (
    select
        entities.canonical_name,
        entities.entity_type,
        aliases.surface,
        aliases.mention_count as alias_mention_count,
        entities.mention_count as entity_mention_count,
    from entities
    inner join aliases using (entity_id)
)

select * from final
order by entity_mention_count desc, canonical_name, alias_mention_count desc, surface
