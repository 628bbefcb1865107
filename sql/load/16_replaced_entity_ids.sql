-- The entities the mentions about to be deleted were loaded with: only these can be left with no mention. Looking
-- only at them, instead of at every key against every mention, keeps a batch's work and memory independent of the
-- size of the warehouse.
create or replace temp table replaced_entity_ids as
select distinct article_entity_id as entity_id
from entity_mentions
semi join replaced_article_ids using (article_id)
