/**
 * Known-answer vectors for the callback crypto. `SPEC` is spec §1.10's (computed with Node, plaintext "123456",
 * random prefix "fedcba9876543210", pad 20); `GO_WORKWX` is the real callback in xen0n/go-workwx
 * `internal/lowlevel/envelope/mod_test.go` (commit 3887053bc258).
 */
export const SPEC = {
  token: 'testtoken123',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  receiveId: 'wwCORPID0000000001',
  timestamp: '1700000000',
  nonce: '987654321',
  echoPlaintext: '123456',
  random16: Buffer.from('fedcba9876543210', 'utf8'),
  echostr: 'DpQeJfnf/MGZ/+GTIspwVHiGzGFseomjj0BSDsr/uD47xhcN1jKui8cE+/zwULBPh1jhx8kf5cVHYhUhcdwRiw==',
  msgSignature: '4befdc20d75549d1abec0dec0b3ffe1b09731c2f',
} as const;

export const GO_WORKWX = {
  token: 'kz7Yx62CH8SaLN',
  encodingAesKey: 'cD0d7jx4tYvVtzqrmh3Dm3QFCXe6f8SlHoMtMh3qQEP',
  receiveId: 'ww6a112864f8022910',
  timestamp: '1583995625',
  nonce: '1584392382',
  msgSignature: 'f265ae551b1932727204c3d707628d01376a6940',
  body: '<xml><ToUserName><![CDATA[ww6a112864f8022910]]></ToUserName><Encrypt><![CDATA[EUCt7xMcNiyASzZj0Hjc5yDjFQrCum6AfQ3ntHiUzjGQ51xieKmbvtrZ40/EcB2W/W8yH0n4Lqx48gJl/T9HD/R309I0P/r5pIZucK3lyEn48FYMr4YdE0QdL2jIJ3xkcXUr6uzefzCxG6lMvwpAJaOyVCzN7sRRw47njfxy5EIqU6R9ZBhlTzfdnhhOhK/nTwzrZX3SoGlXFA9OBeZ6ru1NWpXFk76x9DUMe0lcxPPiUqK8ctnQcYXSGUHVqC6DfG7E7mab0OmruNN8cBZY5d3dYOBA4OgaH55Q0AJmUpdT8vNiXpXx+6TxT3TIjySXpDrHVyrsb772aYywgg/Nu4kUmGkALwFZlzhjNegR7wDwb9lr4ERXsSSS8JZ8lbBmaQ3F2Tq584xoPj5rIhXAF734ynm4no1g+SdHiNqR328=]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>',
  encrypt: 'EUCt7xMcNiyASzZj0Hjc5yDjFQrCum6AfQ3ntHiUzjGQ51xieKmbvtrZ40/EcB2W/W8yH0n4Lqx48gJl/T9HD/R309I0P/r5pIZucK3lyEn48FYMr4YdE0QdL2jIJ3xkcXUr6uzefzCxG6lMvwpAJaOyVCzN7sRRw47njfxy5EIqU6R9ZBhlTzfdnhhOhK/nTwzrZX3SoGlXFA9OBeZ6ru1NWpXFk76x9DUMe0lcxPPiUqK8ctnQcYXSGUHVqC6DfG7E7mab0OmruNN8cBZY5d3dYOBA4OgaH55Q0AJmUpdT8vNiXpXx+6TxT3TIjySXpDrHVyrsb772aYywgg/Nu4kUmGkALwFZlzhjNegR7wDwb9lr4ERXsSSS8JZ8lbBmaQ3F2Tq584xoPj5rIhXAF734ynm4no1g+SdHiNqR328=',
  message: '<xml><ToUserName><![CDATA[ww6a112864f8022910]]></ToUserName><FromUserName><![CDATA[foobar]]></FromUserName><CreateTime>1583995625</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[x123]]></Content><MsgId>2018405441</MsgId><AgentID>1000002</AgentID></xml>',
} as const;
