-- An entity no article mentions any more has no key: the warehouse holds what a fresh load of the inputs would.
delete from entity_keys
where exists (select 1 from replaced_article_ids)
    and entity_id not in (select article_entity_id from entity_mentions)
