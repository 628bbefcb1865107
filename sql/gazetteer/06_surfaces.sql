-- The names this pass matched with (`current_surfaces`, registered by flows/warehouse.py), for the next pass to
-- compare its own with.
insert into gazetteer_surfaces by name
select surface, entity_key, entity_type from current_surfaces
