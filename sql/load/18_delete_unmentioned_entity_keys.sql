-- An entity no article mentions any more has no key: the warehouse holds what a fresh load of the inputs would.
delete from entity_keys
where entity_id in (
    select entity_id
    from replaced_entity_ids
    anti join (
        select entity_mentions.article_entity_id as entity_id
        from entity_mentions
        semi join replaced_entity_ids on entity_mentions.article_entity_id = replaced_entity_ids.entity_id
    ) as still_mentioned using (entity_id)
)
