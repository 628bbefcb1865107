-- Languages are langdetect's codes or 'und'; a score is a probability and exists exactly when a code does.
with

articles as (
    select article_id, language, language_score from articles
),

final as (
    select
        article_id,
        language,
        language_score,
    from articles
    where language not in (
        'af', 'ar', 'bg', 'bn', 'ca', 'cs', 'cy', 'da', 'de', 'el', 'en', 'es', 'et', 'fa', 'fi', 'fr', 'gu', 'he',
        'hi', 'hr', 'hu', 'id', 'it', 'ja', 'kn', 'ko', 'lt', 'lv', 'mk', 'ml', 'mr', 'ne', 'nl', 'no', 'pa', 'pl',
        'pt', 'ro', 'ru', 'sk', 'sl', 'so', 'sq', 'sv', 'sw', 'ta', 'te', 'th', 'tl', 'tr', 'uk', 'ur', 'vi',
        'zh-cn', 'zh-tw', 'und'
    )
        or (language = 'und') <> (language_score is null)
        or language_score not between 0 and 1
)

select * from final
