-- The articles whose entities the gazetteer finds: the ids only, with their rowids, in rowid order. Their texts are
-- read chunk by chunk (article_texts.sql), each chunk a range of rowids.
select rowid as row_no, article_id
from articles
where ner_method = 'gazetteer'
order by rowid
