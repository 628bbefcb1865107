-- One chunk of the gazetteer's articles (`chunk_ids`, registered by flows/warehouse.py), in id order.
-- Paging the texts with `order by article_id limit/offset` instead held every earlier chunk's rows in the sort:
-- it did not fit a 64 MB memory limit on a 200k-article warehouse, while this does.
select article_id, body_clean, language
from articles
semi join chunk_ids using (article_id)
order by article_id
