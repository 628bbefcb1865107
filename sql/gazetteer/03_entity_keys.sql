insert or ignore into entity_keys by name
select distinct entity_id, entity_key from gazetteer_mentions
