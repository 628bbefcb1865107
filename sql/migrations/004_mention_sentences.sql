-- Which sentence of body_clean each mention is in (issue 4), so "in the same sentence" is a join, not a text search.

alter table entity_mentions add column sentence_no integer;  -- 0-based sentence of body_clean the mention starts in (rule-based splitter, and every line); null for rows loaded before this migration
