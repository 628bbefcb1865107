-- As after a replacement: an entity no article mentions any more has no key.
delete from entity_keys
where entity_id not in (select article_entity_id from entity_mentions)
