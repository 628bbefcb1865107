-- The most mentioned entities in the warehouse.
with

entities as (
    select canonical_name, entity_type, mention_count, article_count from entities
),

final as (
    select
        canonical_name,
        entity_type,
        mention_count,
        article_count,
    from entities
)

select * from final
order by mention_count desc, canonical_name
limit 10
