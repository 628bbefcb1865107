-- Every mentioned entity has exactly one entities row with a name, a type and a key.
with

mentioned as (
    select distinct entity_id from entity_mentions
),

entity_rows as (
    select entity_id, count(*) as row_count from entities group by entity_id
),

final as (
    select
        mentioned.entity_id,
        coalesce(entity_rows.row_count, 0) as row_count,
    from mentioned
    left join entity_rows using (entity_id)
    where coalesce(entity_rows.row_count, 0) <> 1
)

select * from final
