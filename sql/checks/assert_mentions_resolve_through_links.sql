-- A mention's entity is the one its own article gave it, or the full name entity_links takes that to; a full
-- name is never itself linked on (links do not chain).
with

mentions as (
    select article_id, start_char, entity_id, article_entity_id from entity_mentions
),

links as (
    select entity_id, linked_entity_id from entity_links
),

unresolved as (
    select
        'mention entity neither its article''s nor linked' as problem,
        mentions.article_id,
        mentions.entity_id,
    from mentions
    left join links on links.entity_id = mentions.article_entity_id
    where mentions.article_entity_id is null
        or (mentions.entity_id <> mentions.article_entity_id and mentions.entity_id is distinct from links.linked_entity_id)
),

chained as (
    select
        'link to a linked entity' as problem,
        null as article_id,
        links.entity_id,
    from links
    inner join links as next_link on next_link.entity_id = links.linked_entity_id
),

final as (
    select * from unresolved
    union all
    select * from chained
)

select * from final
