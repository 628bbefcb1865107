-- A language is a langdetect code, a code the script or the vocabulary alone can name, or 'und'. A score exists
-- exactly when a code does; a reason exactly when it does not; the method says which evidence named it.
with

articles as (
    select article_id, language, language_score, language_reason, language_method, script from articles
),

final as (
    select
        article_id,
        language,
        language_score,
        language_reason,
        language_method,
        script,
    from articles
    where language not in (
        'af', 'ar', 'bg', 'bn', 'ca', 'cs', 'cy', 'da', 'de', 'el', 'en', 'es', 'et', 'fa', 'fi', 'fr', 'gu', 'he',
        'hi', 'hr', 'hu', 'id', 'it', 'ja', 'kn', 'ko', 'lt', 'lv', 'mk', 'ml', 'mr', 'ne', 'nl', 'no', 'pa', 'pl',
        'pt', 'ro', 'ru', 'sk', 'sl', 'so', 'sq', 'sv', 'sw', 'ta', 'te', 'th', 'tl', 'tr', 'uk', 'ur', 'vi',
        'zh-cn', 'zh-tw', 'hy', 'ka', 'ha', 'yo', 'und'
    )
        or (language = 'und') <> (language_score is null)
        or language_score not between 0 and 1
        or (language = 'und') <> (language_reason is not null)
        or (language = 'und') <> (language_method = 'none')
        or language_method not in ('langdetect', 'script', 'vocabulary', 'none')
        or (language_method = 'script' and language not in ('el', 'ko', 'ja', 'th', 'hy', 'ka', 'gu', 'kn', 'ml', 'ta', 'te', 'pa'))
        or (language_method = 'vocabulary' and language not in ('ha', 'yo'))
        or language_reason not in (
            'too_short', 'no_letters', 'script_mismatch', 'vocabulary_mismatch', 'mixed', 'detector_error',
            'unsupported_script'
        )
        or script is null
)

select * from final
